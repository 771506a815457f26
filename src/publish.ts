import { hostname, tmpdir } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRelease, type EventCounts } from './build.js';
import { publishRelease, readCatalog, withTargetLock } from './catalog/index.js';
import type { Settings } from './config.js';
import { loadDatasets, type DatasetDefinition } from './dataset.js';
import { PublisherError } from './errors.js';
import { publicUrl } from './keys.js';
import type { Logger } from './log.js';
import type { ProtectionStats } from './privacy/protect.js';
import type { PrivacyReport } from './privacy/report.js';
import { formatQuarter, isComplete, lastCompleteQuarter, quarterEnd } from './quarter.js';
import type { Quarter, ReleaseWithChangelog } from './release.js';
import { openStore, type Store } from './store/index.js';

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
  events: EventCounts;
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
  const datasets = await loadDatasets(settings.datasets, settings.queriesDir);
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


async function buildAndPublish(
  settings: Settings,
  context: RunContext,
  quarter: Quarter,
  datasets: readonly DatasetDefinition[],
  target: Store,
  workDir: string,
): Promise<RunSummary> {
  const { logger, now } = context;
  const built = await buildRelease(settings, logger, quarter, datasets, workDir);
  const catalog = await readCatalog(target);
  const frozen = new Set(
    built.datasets
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
    files: built.datasets.filter(({ file }) => !frozen.has(file.key)).map(({ file }) => file),
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
    ...(settings.dryRun ? { previewDir: built.outDir } : {}),
    events: built.events,
    datasets: built.datasets.map(({ file, stats, report }) => ({
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
}

function catalogEntry(catalog: Awaited<ReturnType<typeof readCatalog>>, key: string): { sha256: string } | undefined {
  for (const dataset of catalog?.datasets ?? []) {
    for (const entry of dataset.quarters ?? []) if (entry.key === key) return entry;
  }
  return undefined;
}

