import { stat } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InputFile } from '../archive/index.js';
import { checkDatasetKeys, datasetRun, type Settings } from '../config.js';
import { PublisherError } from '../core/errors.js';
import { inputManifestKey, publicUrl } from '../core/keys.js';
import type { Logger } from '../core/log.js';
import { NO_PROGRESS, type Progress } from '../core/progress.js';
import { formatQuarter, isComplete, lastCompleteQuarter, quarterEnd } from '../core/quarter.js';
import type { ChangelogEntry, DatasetFile, Quarter, ReleaseWithChangelog } from '../core/release.js';
import { createWorkDir, pruneWorkDir, removeWorkDir } from '../core/work-dir.js';
import { readOptOut } from '../ingest/optout.js';
import { type BuiltRelease, buildFromFacts, buildRelease, type EventCounts, type FactsSource } from '../pipeline.js';
import { checkRevision } from '../protect/revise.js';
import { type DatasetDefinition, loadDatasets } from '../query/dataset.js';
import type { PrivacyReport } from '../write/privacy-report.js';
import { publishRelease, readCatalog, withTargetLock } from './catalog/index.js';
import { checkReachable } from './preflight.js';
import { PreviewStore } from './preview-store.js';
import { openStore, parseS3Location, type Store } from './store/index.js';

/** Where a dry run publishes inside its work folder: the only thing kept after it. */
const PREVIEW_FOLDER = 'preview';

/** Work folders of publish runs: `<temp dir>/telemetry-publisher-XXXXXX`. */
export const WORK_DIR_PREFIX = 'telemetry-publisher-';

export const LICENSE_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'DATA_LICENSE.md');

export interface RunContext {
  logger: Logger;
  now: Date;
  /** Counts for the progress line on a terminal; nothing by default. */
  progress?: Progress;
}

export interface DatasetOutcome {
  dataset: string;
  key: string;
  url: string;
  rows: number;
  status: 'published' | 'unchanged' | 'frozen' | 'dry-run';
  /**
   * The public privacy report only: stdout and `--json` end in cron mail and CI logs, so the summary
   * says no more than the published report (the job's internal statistics stay inside it).
   */
  report: PrivacyReport;
}

export interface RunSummary {
  quarter: string;
  archive: string;
  target: string;
  dryRun: boolean;
  /** Where a dry run left the files it would have published. */
  previewDir?: string;
  events: EventCounts;
  datasets: DatasetOutcome[];
  written: Array<{ key: string; bytes: number; sha256: string }>;
  unchanged: string[];
  /** Revisions published or withheld in this run. */
  changelog: string[];
  /** Datasets of the folder left out of this run because no row of theirs rests on k machines. */
  leftOutEmpty: string[];
}

/**
 * Facts from elsewhere than this process's own read of the archive: a sharded run's merge loads the
 * shards' exchange files (shard/merge.ts) from the target's staging area into `workDir`.
 */
export type ExternalFacts = (target: Store, workDir: string) => Promise<FactsSource>;

/**
 * The whole job: archive -> DuckDB -> protect -> check -> write -> publish. With `external`, the facts
 * come from a sharded run's shards instead of the archive; everything after them is the same.
 */
export async function runPublish(
  settings: Settings,
  context: RunContext,
  external?: ExternalFacts,
): Promise<RunSummary> {
  const { logger, now } = context;
  const quarter = quarterToPublish(settings, now);
  // Every setting is checked before anything is written anywhere, the work folder included.
  const datasets = await loadDatasets(settings.datasets, settings.queriesDir);
  checkDatasetKeys(settings, datasets, quarter);
  if (settings.optOut) await readOptOut(settings.optOut);
  if (/^s3:/i.test(settings.archive)) checkArchiveLocation(settings.archive);
  const progress = context.progress ?? NO_PROGRESS;
  const target = countingWrites(
    openStore(settings.target, { forcePathStyle: settings.s3ForcePathStyle, logger }),
    progress,
  );
  // One cheap request per S3 location: credentials and reachability are known before the computation.
  await checkReachable(target, 'target');
  if (/^s3:/i.test(settings.archive)) {
    const archive = openStore(settings.archive, { forcePathStyle: settings.s3ForcePathStyle, logger });
    // Closed after the one request: its idle keep-alive sockets must not hold the process open.
    await checkReachable(archive, 'archive').finally(() => (archive as { destroy?: () => void }).destroy?.());
  }
  const workDir = await createWorkDir(await tempRoot(settings), WORK_DIR_PREFIX, logger);
  const previewDir = join(workDir, PREVIEW_FOLDER);
  // Said first, so whoever runs it knows where to look, whatever the log says after.
  if (settings.dryRun)
    logger.info('dry run: the preview of everything the target would get goes to', { folder: previewDir });
  logger.info('run started', {
    quarter: formatQuarter(quarter),
    archive: settings.archive,
    target: target.describe(''),
    dryRun: settings.dryRun,
  });
  let keepWorkDir = false;
  try {
    // The build touches only the work folder, so it runs while the target lock settles.
    const build = async () => {
      const current = join(workDir, 'current');
      const built = external
        ? await buildFromFacts(
            settings,
            logger,
            quarter,
            datasets,
            current,
            await external(target, join(workDir, 'exchange')),
            progress,
          )
        : await buildRelease(settings, logger, quarter, datasets, current, undefined, progress);
      return withholdEmpty(settings, quarter, datasets, built, logger);
    };
    const publish = (built: BuiltRelease) => publishBuilt(settings, context, quarter, datasets, target, workDir, built);
    if (settings.dryRun) {
      const summary = await publish(await build());
      keepWorkDir = true; // the preview the summary points to
      return summary;
    }
    const holder = `${hostname()} pid ${process.pid} started ${now.toISOString()}`;
    return await withTargetLock(target, { logger, holder }, (_lock, built) => publish(built), build);
  } finally {
    // A dry run that succeeded keeps its preview (the files it would have published) and nothing else.
    if (keepWorkDir) await pruneWorkDir(workDir, previewDir);
    else await removeWorkDir(workDir);
  }
}

/** The target as the run uses it: every object written counts on the progress line. */
function countingWrites(store: Store, progress: Progress): Store {
  if (progress === NO_PROGRESS) return store;
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'putFile' && property !== 'putBytes')
        return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: unknown[]) => {
        const written = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        // The lock and the local metadata are the job's own, not published objects.
        if (!String(args[0]).startsWith('.')) progress.add('objects');
        return written;
      };
    },
  });
}

/** The run's quarter (the last complete one by default); one that has not ended is refused. */
export function quarterToPublish(settings: Pick<Settings, 'quarter'>, now: Date): Quarter {
  const quarter = settings.quarter ?? lastCompleteQuarter(now);
  if (!isComplete(quarter, now)) {
    throw new PublisherError(
      'E_CONFIG',
      `quarter ${formatQuarter(quarter)} has not ended yet (it ends ${quarterEnd(quarter).toISOString().slice(0, 10)} UTC): published quarters are frozen, so only complete quarters are published`,
    );
  }
  return quarter;
}

function checkArchiveLocation(archive: string): void {
  try {
    parseS3Location(archive);
  } catch (error) {
    throw new PublisherError('E_CONFIG', `setting \`archive\`: ${(error as Error).message}`, { cause: error });
  }
}

/** The parent of the run's work folder: --temp-dir, or the OS temp folder. */
export async function tempRoot(settings: Settings): Promise<string> {
  const folder = settings.tempDirectory ?? tmpdir();
  const found = await stat(folder).catch(() => undefined);
  if (!found?.isDirectory()) {
    throw new PublisherError(
      'E_CONFIG',
      `setting \`temp-dir\` ${JSON.stringify(folder)} must be an existing folder${settings.tempDirectory ? '' : ' (the OS temp folder)'}`,
    );
  }
  return folder;
}

/**
 * A quarter file with no row would be frozen as the quarter's figures. A dataset the run names that
 * publishes nothing (a k no row can meet, an archive without its events) stops the run before anything
 * is written. A run that names none publishes every dataset of the folder: there an empty one (often a
 * table of a family whose linked protection withheld every row) is left out of this run, built only for
 * the protection like a companion, and said so; the run stops only when every dataset is empty. No
 * message gives a count: how many machines there were is what k protects.
 */
function withholdEmpty(
  settings: Settings,
  quarter: Quarter,
  datasets: readonly DatasetDefinition[],
  built: BuiltRelease,
  logger: Logger,
): BuiltRelease {
  const empty = built.datasets.filter(({ file }) => file.rows === 0);
  if (empty.length === 0) return built;
  if (settings.datasets.length === 0 && empty.length < built.datasets.length) {
    for (const { file } of empty)
      logger.warn('dataset left out of this run: no row rests on k distinct machines', { dataset: file.dataset });
    return {
      ...built,
      datasets: built.datasets.filter(({ file }) => file.rows > 0),
      companions: [...built.companions, ...empty],
      leftOutEmpty: empty.map(({ file }) => file.dataset),
    };
  }
  const described = empty.map(({ file }) => {
    const dataset = datasets.find((definition) => definition.name === file.dataset)!;
    const { k } = datasetRun(settings, dataset, quarter);
    const source = settings.k !== undefined ? 'setting `k`' : `\`k\` of ${join(dataset.folder, 'dataset.json')}`;
    return `dataset "${file.dataset}" (k=${k}, from ${source})`;
  });
  throw new PublisherError(
    'E_CONFIG',
    `${described.join(' and ')} would publish no row for ${formatQuarter(quarter)}: no row rests on k distinct machines. Nothing was written (an empty quarter file would be frozen as published); lower \`k\`, or leave the dataset out with --dataset`,
  );
}

async function publishBuilt(
  settings: Settings,
  context: RunContext,
  quarter: Quarter,
  datasets: readonly DatasetDefinition[],
  target: Store,
  workDir: string,
  built: BuiltRelease,
): Promise<RunSummary> {
  const { logger, now } = context;
  const catalog = await readCatalog(target);
  refuseDivergedCompanions(built, catalog);
  const changelog: ChangelogEntry[] = [];
  const withheld = new Set<string>();
  const files: DatasetFile[] = [];
  for (const { file } of built.datasets) {
    const listed = catalogEntry(catalog, file.key);
    if (!listed) {
      files.push(file);
      continue;
    }
    // The privacy report is published too: a change in it alone is a change of the quarter.
    if (listed.sha256 === file.sha256 && listed.privacyReport.sha256 === file.privacyReport.sha256) {
      // Unchanged figures keep the manifest they were published with: a new one would list late files
      // (their sizes describe the late events) that changed nothing here.
      files.push(withoutInputManifest(file));
      continue;
    }
    if (!settings.revise) {
      withheld.add(file.key);
      logger.warn(
        'published quarter is frozen: the archive now gives different figures; rerun with --revise to publish a revision',
        { key: file.key },
      );
      continue;
    }
    const dataset = datasets.find((definition) => definition.name === file.dataset)!;
    const decision = await decideRevision(
      settings,
      logger,
      quarter,
      dataset,
      built,
      target,
      listed,
      join(workDir, `previous-${dataset.name}`),
    );
    changelog.push({ dataset: dataset.name, quarter, message: decision.message });
    if (decision.accepted) files.push(file);
    else withheld.add(file.key);
    logger[decision.accepted ? 'info' : 'warn'](decision.message, { key: file.key, ...decision.detail });
  }
  const release: ReleaseWithChangelog = { quarter, generatedAt: now.toISOString(), files, changelog };
  // A dry run publishes for real, through the same catalog code, into a preview that only reads the target.
  const preview = settings.dryRun ? new PreviewStore(join(workDir, PREVIEW_FOLDER), target) : undefined;
  const outcome = await publishRelease(preview ?? target, release, {
    logger: preview ? previewLogger(logger) : logger,
    dryRun: false,
    publicBaseUrl: settings.publicBaseUrl,
    licensePath: LICENSE_PATH,
    queriesDir: settings.queriesDir,
    now: () => now,
  });
  const unchanged = new Set(outcome.unchanged);
  return {
    quarter: formatQuarter(quarter),
    archive: settings.archive,
    target: target.describe(''),
    dryRun: settings.dryRun,
    ...(preview ? { previewDir: preview.folder } : {}),
    events: built.events,
    datasets: built.datasets.map(({ file, report }) => ({
      dataset: file.dataset,
      key: file.key,
      url: preview
        ? preview.describe(file.key)
        : (outcome.urls[file.key] ?? publicUrl(settings.publicBaseUrl, file.key) ?? target.describe(file.key)),
      rows: file.rows,
      status: settings.dryRun
        ? 'dry-run'
        : withheld.has(file.key)
          ? 'frozen'
          : unchanged.has(file.key)
            ? 'unchanged'
            : 'published',
      report,
    })),
    written: outcome.written,
    unchanged: outcome.unchanged,
    changelog: changelog.map((entry) => `${entry.dataset} ${formatQuarter(entry.quarter)}: ${entry.message}`),
    leftOutEmpty: built.leftOutEmpty ?? [],
  };
}

/** The log of a dry run's publication: every line says it went to the preview, not the target. */
function previewLogger(logger: Logger): Logger {
  const said = (message: string) => `dry run, into the preview: ${message}`;
  return {
    info: (message, fields) => logger.info(said(message), fields),
    warn: (message, fields) => logger.warn(said(message), fields),
    error: (message, fields) => logger.error(said(message), fields),
  };
}

function withoutInputManifest(file: DatasetFile): DatasetFile {
  const { inputManifest: _kept, ...rest } = file;
  return rest;
}

/**
 * What a withheld revision says in public (changelog, index.json, the run summary): that it was withheld
 * and why, never a count or a row, which would describe the late machines.
 */
export const WITHHELD = {
  fewerThanK: 'revision withheld: the change rests on fewer than k machines',
  noManifest: (key: string) => `revision withheld: no input manifest (${key}) to recompute the published file from`,
  notReproducible:
    'revision withheld: the published file cannot be reproduced from its inputs (k, cap, queries or code changed since)',
} as const;

interface RevisionDecision {
  accepted: boolean;
  /** Public: goes to the changelog. */
  message: string;
  /** For the run's log only, and without any count under k either (log lines reach cron mail). */
  detail?: Record<string, string | number>;
}

/**
 * A revision is published only when the file as first published can be recomputed from its input
 * manifest (so the comparison is with what readers have) and every changed row rests on >= k machines.
 */
async function decideRevision(
  settings: Settings,
  logger: Logger,
  quarter: Quarter,
  dataset: DatasetDefinition,
  current: BuiltRelease,
  target: Store,
  published: { sha256: string; privacyReport: { sha256: string } },
  workDir: string,
): Promise<RevisionDecision> {
  const key = current.datasets.find(({ file }) => file.dataset === dataset.name)!.file.key;
  const manifest = await target.getBytes(inputManifestKey(key));
  if (!manifest) return { accepted: false, message: WITHHELD.noManifest(inputManifestKey(key)) };
  const inputs = (JSON.parse(manifest.toString('utf8')) as { files: InputFile[] }).files;
  const previous = await buildRelease(settings, logger, quarter, [dataset], workDir, inputs);
  if (
    previous.datasets[0]!.file.sha256 !== published.sha256 ||
    previous.datasets[0]!.file.privacyReport.sha256 !== published.privacyReport.sha256
  ) {
    return { accepted: false, message: WITHHELD.notReproducible };
  }
  const parameters = datasetRun(settings, dataset, quarter);
  const check = await checkRevision(previous.database, current.database, dataset, parameters);
  if (check.blocked.length > 0) {
    // Which figures, by name only: a row key or a machine count would describe the late machines.
    const rows = check.blocked.some((blocked) => blocked.row.startsWith('['));
    const figures = check.blocked.filter((blocked) => !blocked.row.startsWith('[')).map((blocked) => blocked.row);
    const blocked = [...(rows ? ['changed rows'] : []), ...figures].join(', ');
    return { accepted: false, message: WITHHELD.fewerThanK, detail: { k: parameters.k, blocked } };
  }
  return {
    accepted: true,
    message: `revised with late events: ${check.changedRows} rows changed on ${check.changedDays.length} day(s)`,
  };
}

function catalogEntry(
  catalog: Awaited<ReturnType<typeof readCatalog>>,
  key: string,
): { sha256: string; privacyReport: { sha256: string } } | undefined {
  for (const dataset of catalog?.datasets ?? []) {
    for (const entry of dataset.quarters ?? []) if (entry.key === key) return entry;
  }
  return undefined;
}

/**
 * The named datasets were protected together with the rest of their population, assuming its other
 * datasets publish what they were built as now. One already published as something else (protected
 * alone, or before late events) would let the new rows be differenced against it: refuse.
 */
function refuseDivergedCompanions(built: BuiltRelease, catalog: Awaited<ReturnType<typeof readCatalog>>): void {
  for (const { file } of built.companions) {
    const listed = catalogEntry(catalog, file.key);
    if (!listed || listed.sha256 === file.sha256) continue;
    const named = built.datasets.map(({ file: other }) => other.dataset);
    throw new PublisherError(
      'E_CONFIG',
      `dataset "${file.dataset}" is protected together with ${named.map((name) => `"${name}"`).join(', ')} (same population), and its published ${file.key} is not what the joint protection gives now: publish them in one run (${[file.dataset, ...named].map((name) => `--dataset ${name}`).join(' ')}, with --revise if the quarter is published); nothing was published`,
    );
  }
}
