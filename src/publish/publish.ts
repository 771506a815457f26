import { hostname, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InputFile } from '../archive/index.js';
import { datasetRun, type Settings } from '../config.js';
import { PublisherError } from '../core/errors.js';
import { inputManifestKey, publicUrl } from '../core/keys.js';
import type { Logger } from '../core/log.js';
import { formatQuarter, isComplete, lastCompleteQuarter, quarterEnd } from '../core/quarter.js';
import type { ChangelogEntry, Quarter, ReleaseWithChangelog } from '../core/release.js';
import { createWorkDir, pruneWorkDir, removeWorkDir } from '../core/work-dir.js';
import { type BuiltRelease, buildRelease, type EventCounts } from '../pipeline.js';
import type { ProtectionStats } from '../protect/protect.js';
import { checkRevision } from '../protect/revise.js';
import { type DatasetDefinition, loadDatasets } from '../query/dataset.js';
import type { PrivacyReport } from '../write/privacy-report.js';
import { publishRelease, readCatalog, withTargetLock } from './catalog/index.js';
import { openStore, type Store } from './store/index.js';

/** Work folders of publish runs: `<temp dir>/telemetry-publisher-XXXXXX`. */
export const WORK_DIR_PREFIX = 'telemetry-publisher-';

export const LICENSE_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'DATA_LICENSE.md');

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
  events: EventCounts;
  datasets: DatasetOutcome[];
  written: Array<{ key: string; bytes: number; sha256: string }>;
  unchanged: string[];
  /** Revisions published or withheld in this run. */
  changelog: string[];
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
  const datasets = await loadDatasets(settings.datasets, settings.queriesDir);
  const target = openStore(settings.target, { forcePathStyle: settings.s3ForcePathStyle, logger });
  const workDir = await createWorkDir(settings.tempDirectory ?? tmpdir(), WORK_DIR_PREFIX, logger);
  logger.info('run started', {
    quarter: formatQuarter(quarter),
    archive: settings.archive,
    target: target.describe(''),
    dryRun: settings.dryRun,
  });
  try {
    // The build touches only the work folder, so it runs while the target lock settles.
    const build = () => buildRelease(settings, logger, quarter, datasets, join(workDir, 'current'));
    const publish = (built: BuiltRelease) => publishBuilt(settings, context, quarter, datasets, target, workDir, built);
    if (settings.dryRun) return await publish(await build());
    const holder = `${hostname()} pid ${process.pid} started ${now.toISOString()}`;
    return await withTargetLock(target, { logger, holder }, (_lock, built) => publish(built), build);
  } finally {
    // A dry run keeps its preview (the files it would have published) and nothing else.
    if (settings.dryRun) await pruneWorkDir(workDir, join(workDir, 'current', 'out'));
    else await removeWorkDir(workDir);
  }
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
  for (const { file } of built.datasets) {
    const listed = catalogEntry(catalog, file.key);
    // The privacy report is published too: a change in it alone is a change of the quarter.
    if (!listed || (listed.sha256 === file.sha256 && listed.privacyReport.sha256 === file.privacyReport.sha256))
      continue;
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
    if (!decision.accepted) withheld.add(file.key);
    logger[decision.accepted ? 'info' : 'warn'](decision.message, { key: file.key });
  }
  const release: ReleaseWithChangelog = {
    quarter,
    generatedAt: now.toISOString(),
    files: built.datasets.filter(({ file }) => !withheld.has(file.key)).map(({ file }) => file),
    changelog,
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
    ...(settings.dryRun ? { previewDir: built.outDir } : {}),
    events: built.events,
    datasets: built.datasets.map(({ file, stats, report }) => ({
      dataset: file.dataset,
      key: file.key,
      url: outcome.urls[file.key] ?? publicUrl(settings.publicBaseUrl, file.key) ?? target.describe(file.key),
      rows: file.rows,
      status: settings.dryRun
        ? 'dry-run'
        : withheld.has(file.key)
          ? 'frozen'
          : unchanged.has(file.key)
            ? 'unchanged'
            : 'published',
      stats,
      report,
    })),
    written: outcome.written,
    unchanged: outcome.unchanged,
    changelog: changelog.map((entry) => `${entry.dataset} ${formatQuarter(entry.quarter)}: ${entry.message}`),
  };
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
): Promise<{ accepted: boolean; message: string }> {
  const key = current.datasets.find(({ file }) => file.dataset === dataset.name)!.file.key;
  const manifest = await target.getBytes(inputManifestKey(key));
  if (!manifest)
    return {
      accepted: false,
      message: `revision withheld: no input manifest (${inputManifestKey(key)}) to recompute the published file from`,
    };
  const inputs = (JSON.parse(manifest.toString('utf8')) as { files: InputFile[] }).files;
  const previous = await buildRelease(settings, logger, quarter, [dataset], workDir, inputs);
  if (
    previous.datasets[0]!.file.sha256 !== published.sha256 ||
    previous.datasets[0]!.file.privacyReport.sha256 !== published.privacyReport.sha256
  ) {
    return {
      accepted: false,
      message:
        'revision withheld: the published file cannot be reproduced from its inputs (k, cap, queries or code changed since)',
    };
  }
  const parameters = datasetRun(settings, dataset, quarter);
  const check = await checkRevision(previous.database, current.database, dataset, parameters);
  if (check.blocked.length > 0) {
    const rows = check.blocked.filter((blocked) => blocked.row.startsWith('['));
    const figures = check.blocked.filter((blocked) => !blocked.row.startsWith('['));
    const parts = [
      ...(rows.length
        ? [`${rows.length} of ${check.changedRows} changed rows would change by fewer than k=${parameters.k} machines`]
        : []),
      ...figures.map(
        (figure) => `${figure.row} would change because of ${figure.machines} machine(s), fewer than k=${parameters.k}`,
      ),
    ];
    return { accepted: false, message: `revision withheld: ${parts.join('; ')}` };
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
