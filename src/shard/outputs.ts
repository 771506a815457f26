// Reading what earlier steps of a sharded run left in the staging area: a step's manifest (a shard's
// facts, the labels, a shard's cells), checked to be of this run and plan, and the files it lists,
// downloaded and checked against their sizes and sha256. The first problem names the step to rerun.
import { join } from 'node:path';
import type { Settings } from '../config.js';
import { PublisherError } from '../core/errors.js';
import { sha256Hex } from '../core/hash.js';
import type { Logger } from '../core/log.js';
import { formatQuarter, parseQuarter } from '../core/quarter.js';
import type { Quarter } from '../core/release.js';
import { createWorkDir, removeWorkDir } from '../core/work-dir.js';
import { type Duck, quotedIdentifier as id } from '../engine/duck.js';
import { datasetTables } from '../engine/tables.js';
import { REJECT_REASONS, type RejectReason } from '../ingest/index.js';
import { tempRoot, WORK_DIR_PREFIX } from '../publish/publish.js';
import { openStore, type Store } from '../publish/store/index.js';
import type { DatasetDefinition } from '../query/dataset.js';
import type { QueryFacts } from '../query/facts.js';
import {
  assertSamePlan,
  checkRunId,
  type ExchangeFile,
  type ExchangeKind,
  MANIFEST_FORMAT,
  manifestKey,
  type PlannedShard,
  parseJson,
  planKey,
  readPlan,
  type ShardEvents,
  type ShardManifest,
  type ShardPlan,
  shardPrefix,
} from './exchange.js';
import { isDaily, planSettings, runDatasets } from './plan.js';
import type { ShardSummary } from './shard.js';
import { downloadVerified, type LocalFile, loadTable } from './tables.js';

/** What every step manifest says of itself. */
interface StepManifest {
  format: string;
  runId: string;
  index?: number;
  planSha256: string;
  files: Array<{ name: string }>;
}

/**
 * A step's manifest at `key` and the sha256 of its bytes; undefined when `optional` and missing. It
 * must have `format`, this run's id, `index` if given, and the plan's sha256.
 */
export async function readStepManifest<T extends StepManifest>(
  store: Store,
  plan: ShardPlan,
  planSha256: string,
  key: string,
  expected: {
    format: string;
    index?: number;
    owner: string;
    rerun: string;
    optional?: boolean;
    /** Files the manifest must list. */
    files?: readonly string[];
  },
): Promise<{ manifest: T; sha256: string } | undefined> {
  const { owner, rerun } = expected;
  const bytes = await store.getBytes(key);
  if (!bytes) {
    if (expected.optional) return undefined;
    throw new PublisherError(
      'E_ARCHIVE',
      `${owner} of run "${plan.runId}" has no output (${store.describe(key)} is missing): ${rerun}`,
    );
  }
  const manifest = parseJson<T>(bytes, `${owner}'s manifest ${store.describe(key)}`, 'E_ARCHIVE');
  if (
    manifest.format !== expected.format ||
    manifest.runId !== plan.runId ||
    (expected.index !== undefined && manifest.index !== expected.index) ||
    !Array.isArray(manifest.files)
  ) {
    throw new PublisherError('E_ARCHIVE', `${owner}'s manifest ${store.describe(key)} is not ${owner}'s: ${rerun}`);
  }
  if (manifest.planSha256 !== planSha256) {
    throw new PublisherError(
      'E_ARCHIVE',
      `${owner}'s output was made from another plan of run "${plan.runId}" (the plan was made again since): ${rerun}`,
    );
  }
  const missing = (expected.files ?? []).filter((name) => !manifest.files.some((file) => file.name === name));
  if (missing.length > 0) {
    throw new PublisherError('E_ARCHIVE', `${owner}'s manifest lists no ${missing.join(', ')}: ${rerun}`);
  }
  return { manifest, sha256: sha256Hex(bytes) };
}

export interface ShardOutput {
  manifest: ShardManifest;
  /** sha256 of the manifest's bytes: the labels step records which outputs it decided from. */
  sha256: string;
  files: LocalFile[];
}

/** The command that reruns shard `index`'s facts step, and what to do after. */
export const rerunShard = (runId: string, index: number, then = 'merge'): string =>
  `rerun \`shard --run-id ${runId} --index ${index}\`, then ${then} again`;

/**
 * Every shard's facts manifest (or only `shards`'), and of its files those of `kinds` (all by default)
 * downloaded into `workDir/shard-I/`; a shard's output missing a file these datasets need is refused.
 */
export async function verifiedOutputs(
  store: Store,
  plan: ShardPlan,
  planSha256: string,
  datasets: readonly DatasetDefinition[],
  workDir: string,
  options: { kinds?: readonly ExchangeKind[]; shards?: readonly number[]; afterwards?: string } = {},
): Promise<ShardOutput[]> {
  const expected = expectedFiles(datasets);
  const outputs: ShardOutput[] = [];
  for (const shard of plan.shards) {
    if (options.shards && !options.shards.includes(shard.index)) continue;
    const rerun = rerunShard(plan.runId, shard.index, options.afterwards);
    const owner = `shard ${shard.index}`;
    const read = await readStepManifest<ShardManifest>(store, plan, planSha256, manifestKey(plan.runId, shard.index), {
      format: MANIFEST_FORMAT,
      index: shard.index,
      owner,
      rerun,
      files: expected,
    });
    const { manifest, sha256 } = read!;
    const wanted = manifest.files.filter((file) => !options.kinds || options.kinds.includes(file.kind));
    const files = await downloadVerified(
      store,
      shardPrefix(plan.runId, shard.index),
      wanted,
      join(workDir, `shard-${shard.index}`),
      owner,
      rerun,
    );
    outputs.push({ manifest, sha256, files });
  }
  return outputs;
}

/** What a step put under a shard's prefix, as its summary lists it. */
export function writtenFiles(prefix: string, files: readonly ExchangeFile[]): ShardSummary['written'] {
  return files.map(({ name, rows, bytes, sha256 }) => ({ key: `${prefix}${name}`, rows, bytes, sha256 }));
}

/** The files every shard must hand on for these datasets. */
function expectedFiles(datasets: readonly DatasetDefinition[]): string[] {
  const daily = datasets
    .filter(isDaily)
    .flatMap((dataset) => [`facts-${dataset.name}.parquet`, `bound-${dataset.name}.parquet`]);
  const events = datasets.some((dataset) => !isDaily(dataset)) ? ['events.parquet'] : [];
  return [...daily, ...events, 'machines.parquet', 'values.parquet'].sort();
}

/** A step of a sharded run, opened: the target, the plan (checked against this step's settings), the datasets. */
export interface OpenedRun {
  target: Store;
  plan: ShardPlan;
  planSha256: string;
  quarter: Quarter;
  /** The named datasets, then their populations' companions: every dataset the run builds. */
  all: DatasetDefinition[];
  named: DatasetDefinition[];
}

/** Opens run `runId` for a step: its plan read and this step's settings checked against it. */
export async function openRun(settings: Settings, runId: string, logger: Logger): Promise<OpenedRun> {
  checkRunId(runId);
  const target = openStore(settings.target, { forcePathStyle: settings.s3ForcePathStyle, logger });
  const { plan, sha256: planSha256 } = await readPlan(target, runId);
  const datasets = await runDatasets(settings);
  assertSamePlan(
    plan,
    settings.quarter ? formatQuarter(settings.quarter) : plan.quarter,
    await planSettings(settings, datasets),
    target.describe(planKey(runId)),
  );
  return {
    target,
    plan,
    planSha256,
    quarter: parseQuarter(plan.quarter),
    all: [...datasets.named, ...datasets.companions],
    named: datasets.named,
  };
}

/** Shard `index` of the plan; any other index is a usage error naming the plan's range. */
export function plannedShard(plan: ShardPlan, index: number): PlannedShard {
  const shard = plan.shards[index];
  if (!Number.isSafeInteger(index) || !shard || shard.index !== index) {
    throw new PublisherError(
      'E_USAGE',
      `--index must be a shard of the plan, 0 to ${plan.shards.length - 1} (run "${plan.runId}" has ${plan.shards.length} shards), got ${index}`,
    );
  }
  return shard;
}

/**
 * Runs one step of run `runId` (a shard's, the labels'): the run opened, a work folder of its own,
 * both removed and closed however the step ends.
 */
export async function inRunStep<T>(
  settings: Settings,
  runId: string,
  logger: Logger,
  step: (run: OpenedRun, workDir: string) => Promise<T>,
): Promise<T> {
  const run = await openRun(settings, runId, logger);
  try {
    const workDir = await createWorkDir(await tempRoot(settings), WORK_DIR_PREFIX, logger);
    try {
      return await step(run, workDir);
    } finally {
      await removeWorkDir(workDir);
    }
  } finally {
    closeRun(run);
  }
}

/** Closes the target's connections (an S3 client keeps its sockets otherwise). */
export function closeRun(run: Pick<OpenedRun, 'target'>): void {
  (run.target as { destroy?: () => void }).destroy?.();
}

/** The downloaded files of `kind` (and `dataset`) of every output, in shard order. */
export function filesOf(outputs: readonly ShardOutput[], kind: ExchangeKind, dataset?: string): LocalFile[] {
  return outputs.flatMap(({ files }) => files.filter((file) => file.kind === kind && file.dataset === dataset));
}

/** Days of the quarter with at least one archive file in these shards of the plan. */
export function plannedDays(
  plan: ShardPlan,
  shards: readonly number[] = plan.shards.map((shard) => shard.index),
): number {
  return plan.shards
    .filter((shard) => shards.includes(shard.index))
    .reduce((days, shard) => days + new Set(shard.files.map((file) => file.day)).size, 0);
}

/** Every daily dataset's facts table, from the shards' facts files: the union is the single run's facts. */
export async function loadShardFacts(
  duck: Duck,
  outputs: readonly ShardOutput[],
  daily: readonly DatasetDefinition[],
): Promise<void> {
  for (const dataset of daily) {
    await loadTable(duck, datasetTables(dataset.name).facts, filesOf(outputs, 'facts', dataset.name));
  }
}

/** A daily dataset's loaded facts table, as the query stage would have left it. */
export async function loadedFacts(duck: Duck, dataset: DatasetDefinition): Promise<QueryFacts> {
  const table = datasetTables(dataset.name).facts;
  const columns = await duck.all<{ column_name: string }>(`DESCRIBE ${id(table)}`);
  return { table, columns: columns.map((column) => column.column_name).filter((name) => name !== '_events') };
}

/** The ingest counts of the shards, added (distinct machines are counted from the machines files). */
export function addedCounts(manifests: readonly ShardManifest[]): ShardEvents {
  const rejected = Object.fromEntries(REJECT_REASONS.map((reason) => [reason, 0])) as Record<RejectReason, number>;
  const sum = { eventsRead: 0, accepted: 0, files: 0, excludedOptOut: 0, excludedNonProduction: 0 };
  for (const { events } of manifests) {
    for (const key of Object.keys(sum) as Array<keyof typeof sum>) sum[key] += events[key];
    for (const reason of REJECT_REASONS) rejected[reason] += events.rejected[reason] ?? 0;
  }
  return { ...sum, rejected };
}
