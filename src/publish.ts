import { hostname, tmpdir } from 'node:os';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openArchive } from './archive/index.js';
import { publishRelease, readCatalog, withTargetLock } from './catalog/index.js';
import type { Settings } from './config.js';
import { listDatasets, loadDataset, type DatasetDefinition } from './dataset.js';
import { openDuck, type Duck } from './duck.js';
import { PublisherError } from './errors.js';
import { buildPrefixGeo } from './geo.js';
import { fileDigest } from './hash.js';
import { ingestArchive, worstFiles, type IngestResult } from './ingest.js';
import { datasetKey, privacyReportKey, publicUrl } from './keys.js';
import type { Logger } from './log.js';
import { applyOptOut, readOptOut } from './optout.js';
import { checkPublishedFile } from './privacy/check.js';
import { protectDataset, protectionStats, type ProtectionStats } from './privacy/protect.js';
import { buildPrivacyReport, privacySummary, type PrivacyReport } from './privacy/report.js';
import { formatQuarter, isComplete, lastCompleteQuarter, quarterDays, quarterEnd } from './quarter.js';
import type { DatasetFile, Quarter, ReleaseWithChangelog } from './release.js';
import { openStore, type Store } from './store/index.js';
import { writeDatasetTsv } from './write.js';

export const LICENSE_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'DATA_LICENSE.md');

export interface RunContext {
  logger: Logger;
  now: Date;
}

export interface DatasetOutcome {
  dataset: string;
  key: string;
  url: string;
  rows: number;
  status: 'published' | 'unchanged' | 'frozen' | 'dry-run';
  stats: ProtectionStats;
  report: PrivacyReport;
}

export interface RunSummary {
  quarter: string;
  archive: string;
  target: string;
  dryRun: boolean;
  /** Where a dry run left the files it would have published. */
  previewDir?: string;
  events: IngestResult & { excludedOptOut: number; excludedNonProduction: number; daysWithoutData: number };
  datasets: DatasetOutcome[];
  written: Array<{ key: string; bytes: number; sha256: string }>;
  unchanged: string[];
}

/** The whole job: archive -> DuckDB -> protect -> check -> write -> publish. */
export async function runPublish(settings: Settings, context: RunContext): Promise<RunSummary> {
  const { logger, now } = context;
  const quarter = settings.quarter ?? lastCompleteQuarter(now);
  if (!isComplete(quarter, now)) {
    throw new PublisherError(
      'E_CONFIG',
      `quarter ${formatQuarter(quarter)} has not ended yet (it ends ${quarterEnd(quarter).toISOString().slice(0, 10)} UTC): published quarters are frozen, so only complete quarters are published`,
    );
  }
  const datasets = await loadDatasets(settings);
  const target = openStore(settings.target, { forcePathStyle: settings.s3ForcePathStyle, logger });
  const workDir = await mkdtemp(join(settings.tempDirectory ?? tmpdir(), 'telemetry-publisher-'));
  logger.info('run started', { quarter: formatQuarter(quarter), archive: settings.archive, target: target.describe(''), dryRun: settings.dryRun });
  try {
    const work = () => buildAndPublish(settings, context, quarter, datasets, target, workDir);
    if (settings.dryRun) return await work();
    const holder = `${hostname()} pid ${process.pid} started ${now.toISOString()}`;
    return await withTargetLock(target, { logger, holder }, work);
  } finally {
    if (!settings.dryRun) await rm(workDir, { recursive: true, force: true });
  }
}

async function loadDatasets(settings: Settings): Promise<DatasetDefinition[]> {
  const names = settings.datasets.length > 0 ? settings.datasets : await listDatasets(settings.queriesDir);
  if (names.length === 0) throw new PublisherError('E_CONFIG', `no dataset folders found in ${settings.queriesDir ?? 'queries/'}`);
  return Promise.all(names.map((name) => loadDataset(name, settings.queriesDir)));
}

async function buildAndPublish(
  settings: Settings,
  context: RunContext,
  quarter: Quarter,
  datasets: readonly DatasetDefinition[],
  target: Store,
  workDir: string,
): Promise<RunSummary> {
  const { logger, now } = context;
  const days = quarterDays(quarter);
  const files = await openArchive(settings.archive, days, workDir, logger, { forcePathStyle: settings.s3ForcePathStyle });
  if (files.length === 0) {
    throw new PublisherError(
      'E_ARCHIVE',
      `no archive files for ${formatQuarter(quarter)} under ${settings.archive} (expected folders date=${days[0]} ... date=${days.at(-1)})`,
    );
  }
  const duck = await openDuck(
    { memoryLimit: settings.memoryLimit, threads: settings.threads, tempDirectory: join(workDir, 'spill') },
    join(workDir, 'work.duckdb'),
  );
  try {
    const ingested = await ingestArchive(duck, files, logger);
    await failOnTooManyRejects(duck, ingested, settings.maxBadShare);
    const excludedOptOut = settings.optOut ? await applyOptOut(duck, await readOptOut(settings.optOut)) : 0;
    const [nonProduction] = await duck.all<{ n: string }>(`SELECT count(*)::BIGINT AS n FROM events WHERE environment IS DISTINCT FROM 'production'`);
    await buildPrefixGeo(duck);
    await duck.run(`CREATE OR REPLACE TABLE release AS SELECT ${quarter.year} AS year, ${quarter.quarter} AS quarter, '${formatQuarter(quarter)}' AS label`);

    const outDir = join(workDir, 'out');
    await mkdir(outDir, { recursive: true });
    const catalog = await readCatalog(target);
    const built: Array<{ file: DatasetFile; stats: ProtectionStats; report: PrivacyReport }> = [];
    for (const dataset of datasets) built.push(await buildDataset(duck, dataset, settings, quarter, outDir, logger));

    const frozen = new Set(
      built
        .filter(({ file }) => {
          const listed = catalogEntry(catalog, file.key);
          return listed !== undefined && listed.sha256 !== file.sha256 && !settings.revise;
        })
        .map(({ file }) => file.key),
    );
    for (const key of frozen) {
      logger.warn('published quarter is frozen: the archive now gives different figures; rerun with --revise to publish a revision', { key });
    }
    const release: ReleaseWithChangelog = {
      quarter,
      generatedAt: now.toISOString(),
      files: built.filter(({ file }) => !frozen.has(file.key)).map(({ file }) => file),
      changelog: [],
    };
    const outcome = await publishRelease(target, release, {
      logger,
      dryRun: settings.dryRun,
      publicBaseUrl: settings.publicBaseUrl,
      licensePath: LICENSE_PATH,
      now: () => now,
    });
    const unchanged = new Set(outcome.unchanged);
    return {
      quarter: formatQuarter(quarter),
      archive: settings.archive,
      target: target.describe(''),
      dryRun: settings.dryRun,
      ...(settings.dryRun ? { previewDir: outDir } : {}),
      events: {
        ...ingested,
        excludedOptOut,
        excludedNonProduction: Number(nonProduction?.n ?? 0),
        daysWithoutData: days.length - new Set(files.map((file) => file.day)).size,
      },
      datasets: built.map(({ file, stats, report }) => ({
        dataset: file.dataset,
        key: file.key,
        url: outcome.urls[file.key] ?? publicUrl(settings.publicBaseUrl, file.key) ?? target.describe(file.key),
        rows: file.rows,
        status: settings.dryRun ? 'dry-run' : frozen.has(file.key) ? 'frozen' : unchanged.has(file.key) ? 'unchanged' : 'published',
        stats,
        report,
      })),
      written: outcome.written,
      unchanged: outcome.unchanged,
    };
  } finally {
    duck.close();
  }
}

function catalogEntry(catalog: Awaited<ReturnType<typeof readCatalog>>, key: string): { sha256: string } | undefined {
  for (const dataset of catalog?.datasets ?? []) {
    for (const entry of dataset.quarters ?? []) if (entry.key === key) return entry;
  }
  return undefined;
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

async function buildDataset(
  duck: Duck,
  dataset: DatasetDefinition,
  settings: Settings,
  quarter: Quarter,
  outDir: string,
  logger: Logger,
): Promise<{ file: DatasetFile; stats: ProtectionStats; report: PrivacyReport }> {
  const parameters = { k: settings.k ?? dataset.k, cap: settings.contributionCap ?? dataset.contributionCap };
  const result = await protectDataset(duck, dataset, parameters, logger);
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
    },
  };
}
