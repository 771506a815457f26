import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { openArchive, type ArchiveFile } from './archive/index.js';
import { dayFolder } from './archive/files.js';
import type { Settings } from './config.js';
import { createReleaseTable, type DatasetDefinition } from './dataset.js';
import { openDuck, type Duck } from './duck.js';
import { PublisherError } from './errors.js';
import { buildPrefixGeo, preloadGeography } from './geo.js';
import { fileDigest } from './hash.js';
import { ingestArchive, worstFiles, type IngestResult } from './ingest.js';
import { datasetKey, inputManifestKey, privacyReportKey } from './keys.js';
import type { Logger } from './log.js';
import { applyOptOut, readOptOut } from './optout.js';
import { checkPublishedFile } from './privacy/check.js';
import { linkedGroups, protectLinkedRows } from './privacy/linked.js';
import { protectDataset, protectionStats, type ProtectedDataset, type ProtectionStats } from './privacy/protect.js';
import { buildPrivacyReport, privacySummary, type PrivacyReport } from './privacy/report.js';
import { formatQuarter, quarterDays } from './quarter.js';
import type { DatasetFile, Quarter } from './release.js';
import { writeDatasetTsv } from './write.js';

export interface EventCounts extends IngestResult {
  excludedOptOut: number;
  excludedNonProduction: number;
  /** Distinct machines or installations with only non-production events. */
  excludedNonProductionMachines: number;
  daysWithoutData: number;
}

export interface BuiltDataset {
  file: DatasetFile;
  stats: ProtectionStats;
  report: PrivacyReport;
}

/** An archive file as the input manifest records it: path under the archive root and size. */
export interface InputFile {
  path: string;
  bytes: number;
}

export interface BuiltRelease {
  quarter: Quarter;
  /** The archive files read, for the input manifest that makes revisions checkable. */
  inputs: InputFile[];
  /** The run's DuckDB file, kept until the work folder is removed (revisions compare two of them). */
  database: string;
  events: EventCounts;
  datasets: BuiltDataset[];
  /** Folder holding the built files. */
  outDir: string;
}

/**
 * Everything up to the files that would be published, in `workDir/out`: read the archive, validate,
 * exclude, protect, write, check. Touches no target.
 */
export async function buildRelease(
  settings: Settings,
  logger: Logger,
  quarter: Quarter,
  datasets: readonly DatasetDefinition[],
  workDir: string,
  /** Only these inputs (a revision recomputes the quarter as first published). */
  only?: readonly InputFile[],
): Promise<BuiltRelease> {
  const days = quarterDays(quarter);
  await mkdir(workDir, { recursive: true });
  const listed = await openArchive(settings.archive, days, workDir, logger, { forcePathStyle: settings.s3ForcePathStyle });
  const files = only ? selectInputs(listed, only) : listed;
  if (files.length === 0) {
    throw new PublisherError(
      'E_ARCHIVE',
      `no archive files for ${formatQuarter(quarter)} under ${settings.archive} (expected folders date=${days[0]} ... date=${days.at(-1)})`,
    );
  }
  // A database file in the work folder: tables larger than memory live on disk, and a revision can
  // ATTACH two builds' files to compare them. (Measured: an in-memory database was no faster.)
  const database = join(workDir, 'work.duckdb');
  const duck = await openDuck(
    { memoryLimit: settings.memoryLimit, threads: settings.threads, tempDirectory: join(workDir, 'spill') },
    database,
  );
  try {
    const ingesting = ingestArchive(duck, files, logger, !settings.revise);
    // The IP range tables are parsed in JavaScript while DuckDB reads the archive, not before it starts.
    preloadGeography();
    const ingested = await ingesting;
    await failOnTooManyRejects(duck, ingested, settings.maxBadShare);
    const excludedOptOut = settings.optOut ? await applyOptOut(duck, await readOptOut(settings.optOut)) : 0;
    const [nonProduction] = await duck.all<{ n: string; machines: string }>(`
      SELECT sum(outside)::BIGINT AS n, count(*) FILTER (WHERE outside = events)::BIGINT AS machines
      FROM (SELECT machine_id, count(*) AS events, count(*) FILTER (WHERE environment IS DISTINCT FROM 'production') AS outside
            FROM events GROUP BY machine_id)`);
    await buildPrefixGeo(duck);
    await createReleaseTable(duck, quarter);
    const outDir = join(workDir, 'out');
    await mkdir(outDir, { recursive: true });
    const protectedDatasets: ProtectedDataset[] = [];
    for (const dataset of datasets) {
      const parameters = { k: settings.k ?? dataset.k, cap: settings.contributionCap ?? dataset.contributionCap };
      protectedDatasets.push(await protectDataset(duck, dataset, { ...parameters, keepTables: settings.revise }, logger));
    }
    for (const group of linkedGroups(protectedDatasets)) await protectLinkedRows(duck, group, logger);
    const built: BuiltDataset[] = [];
    const inputs = files.map(inputOf);
    for (const result of protectedDatasets) built.push(await writeDataset(duck, result, settings, quarter, outDir, inputs, logger));
    return {
      quarter,
      inputs,
      database,
      outDir,
      datasets: built,
      events: {
        ...ingested,
        excludedOptOut,
        excludedNonProduction: Number(nonProduction?.n ?? 0),
        excludedNonProductionMachines: Number(nonProduction?.machines ?? 0),
        daysWithoutData: days.length - new Set(files.map((file) => file.day)).size,
      },
    };
  } finally {
    duck.close();
  }
}

export function inputOf(file: ArchiveFile): InputFile {
  return { path: `${dayFolder(file.day)}/${basename(file.path)}`, bytes: file.bytes };
}

/** The archive files of a manifest; a manifest file that is gone or changed size is an error, not a late event. */
function selectInputs(files: readonly ArchiveFile[], only: readonly InputFile[]): ArchiveFile[] {
  const byPath = new Map(files.map((file) => [inputOf(file).path, file]));
  return only.map((input) => {
    const file = byPath.get(input.path);
    if (!file || file.bytes !== input.bytes) {
      throw new PublisherError(
        'E_ARCHIVE',
        `archive file ${input.path} was ${file ? `rewritten (${input.bytes} bytes when published, ${file.bytes} now)` : 'removed'} after the quarter was published: a revision can only add late files`,
      );
    }
    return file;
  });
}

async function failOnTooManyRejects(duck: Duck, ingested: IngestResult, maxShare: number): Promise<void> {
  const rejected = Object.values(ingested.rejected).reduce((sum, count) => sum + count, 0);
  if (ingested.eventsRead === 0 || rejected / ingested.eventsRead <= maxShare) return;
  const worst = await worstFiles(duck);
  const reasons = Object.entries(ingested.rejected).filter(([, count]) => count > 0).map(([reason, count]) => `${reason}=${count}`).join(', ');
  throw new PublisherError(
    'E_BAD_INPUT',
    `${rejected} of ${ingested.eventsRead} events (${((100 * rejected) / ingested.eventsRead).toFixed(2)}%) were rejected, over the limit of ${(100 * maxShare).toFixed(2)}% (max-bad-share); nothing was published. Reasons: ${reasons}. Worst files: ${worst.map((file) => `${file.file} (${file.rejected} of ${file.events})`).join('; ')}`,
  );
}

/** Writes one protected dataset's TSV and privacy report, and checks the TSV before anyone may publish it. */
async function writeDataset(
  duck: Duck,
  result: ProtectedDataset,
  settings: Settings,
  quarter: Quarter,
  outDir: string,
  inputs: readonly InputFile[],
  logger: Logger,
): Promise<BuiltDataset> {
  const { dataset, parameters } = result;
  const key = datasetKey(settings.keyTemplate, dataset.name, quarter);
  const path = join(outDir, key);
  await mkdir(dirname(path), { recursive: true });
  const rows = await writeDatasetTsv(duck, result, path);
  const violations = await checkPublishedFile(duck, result, path);
  if (violations.length > 0) {
    for (const violation of violations) logger.error('privacy check failed', { dataset: dataset.name, rule: violation.rule, detail: violation.detail });
    throw new PublisherError(
      'E_PRIVACY_CHECK',
      `the independent privacy check found ${violations.length} problem(s) in ${key} (first: ${violations[0]!.rule}: ${violations[0]!.detail}); nothing was published`,
    );
  }
  const stats = await protectionStats(duck, result);
  const report = buildPrivacyReport(dataset, quarter, parameters, result.labels, stats);
  const reportKey = privacyReportKey(key);
  const reportPath = join(outDir, reportKey);
  await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  const manifestKey = inputManifestKey(key);
  const manifestPath = join(outDir, manifestKey);
  await mkdir(dirname(manifestPath), { recursive: true });
  await writeFile(manifestPath, `${JSON.stringify({ dataset: dataset.name, quarter: formatQuarter(quarter), files: inputs }, null, 2)}\n`);
  const digest = await fileDigest(path);
  const reportDigest = await fileDigest(reportPath);
  logger.info('built dataset file', { dataset: dataset.name, key, rows, bytes: digest.bytes, sha256: digest.sha256 });
  return {
    stats,
    report,
    file: {
      dataset: dataset.name,
      title: dataset.title,
      description: dataset.description,
      grain: dataset.grain,
      quarter,
      key,
      localPath: path,
      contentType: 'text/tab-separated-values; charset=utf-8',
      ...digest,
      rows,
      columns: dataset.columns,
      schemaVersion: dataset.schemaVersion,
      privacySummary: privacySummary(report),
      privacyReport: { key: reportKey, localPath: reportPath, contentType: 'application/json', ...reportDigest },
      inputManifest: { key: manifestKey, localPath: manifestPath, contentType: 'application/json', ...(await fileDigest(manifestPath)) },
    },
  };
}
