// `plan`: lists the quarter's archive files and cuts them into shards of contiguous days, balanced by
// bytes, and puts the plan in the target's staging area. Deterministic: the same archive and settings
// give the same plan, byte for byte.
import { randomBytes } from 'node:crypto';
import { listArchive } from '../archive/index.js';
import type { Settings } from '../config.js';
import { checkDatasetKeys } from '../config.js';
import { PublisherError } from '../core/errors.js';
import { fileDigest, sha256Hex } from '../core/hash.js';
import { formatQuarter, quarterDays } from '../core/quarter.js';
import type { Quarter } from '../core/release.js';
import { readOptOut } from '../ingest/optout.js';
import { quarterToPublish, type RunContext } from '../publish/publish.js';
import { openStore, type Store } from '../publish/store/index.js';
import { type DatasetDefinition, loadDatasets } from '../query/dataset.js';
import { populationCompanions } from '../query/population.js';
import {
  checkRunId,
  JSON_OPTIONS,
  PLAN_FORMAT,
  type PlannedFile,
  type PlannedShard,
  type PlanSettings,
  planKey,
  type ShardPlan,
} from './exchange.js';

/** Most shards one plan may cut (and workers one runner starts). */
export const MAX_SHARDS = 1024;

/**
 * Whether a dataset's facts can be cut by day: its time column is a date, and (the query contract of
 * a daily dataset) a day's facts come from that day's events alone. Other datasets (a quarter's
 * latest snapshot) need the whole quarter's events: the shards hand those on and the merge queries them.
 */
export function isDaily(dataset: DatasetDefinition): boolean {
  return dataset.columns.find((column) => column.name === dataset.timeColumn)?.type === 'date';
}

/** The datasets a run builds, as the single-process run builds them: the named, then their companions. */
export async function runDatasets(
  settings: Settings,
): Promise<{ named: DatasetDefinition[]; companions: DatasetDefinition[] }> {
  const named = await loadDatasets(settings.datasets, settings.queriesDir);
  return { named, companions: await populationCompanions(named, settings.queriesDir) };
}

/** The settings a plan pins, from this step's settings. */
export async function planSettings(
  settings: Settings,
  datasets: { named: readonly DatasetDefinition[]; companions: readonly DatasetDefinition[] },
): Promise<PlanSettings> {
  const definitions: Record<string, string> = {};
  for (const dataset of [...datasets.named, ...datasets.companions]) {
    const { folder: _where, ...definition } = dataset;
    definitions[dataset.name] = sha256Hex(JSON.stringify(definition));
  }
  return {
    archive: settings.archive,
    datasets: datasets.named.map((dataset) => dataset.name),
    companions: datasets.companions.map((dataset) => dataset.name),
    definitions,
    k: settings.k ?? null,
    contributionCap: settings.contributionCap ?? null,
    maxBadShare: settings.maxBadShare,
    optOutSha256: settings.optOut ? (await fileDigest(settings.optOut)).sha256 : null,
  };
}

/**
 * Cuts the files into at most `count` shards of contiguous days, every shard at least one day, each
 * shard ending at the day where its running total of bytes comes closest to its share of the total.
 */
export function cutByDay(files: readonly PlannedFile[], count: number): PlannedShard[] {
  const days = [...new Set(files.map((file) => file.day))].sort();
  const bytesOf = new Map<string, number>();
  for (const file of files) bytesOf.set(file.day, (bytesOf.get(file.day) ?? 0) + file.bytes);
  const total = files.reduce((sum, file) => sum + file.bytes, 0);
  const shards = Math.min(count, days.length);
  const cuts: PlannedShard[] = [];
  let next = 0;
  let running = 0;
  for (let index = 0; index < shards; index++) {
    const first = next;
    const goal = (total * (index + 1)) / shards;
    const last = index === shards - 1;
    // At least one day, and one left for every later shard.
    do {
      running += bytesOf.get(days[next]!) ?? 0;
      next++;
    } while (
      next < days.length - (shards - index - 1) &&
      (last || running + (bytesOf.get(days[next]!) ?? 0) / 2 <= goal)
    );
    const chosen = new Set(days.slice(first, next));
    const shardFiles = files.filter((file) => chosen.has(file.day));
    cuts.push({
      index,
      firstDay: days[first]!,
      lastDay: days[next - 1]!,
      bytes: shardFiles.reduce((sum, file) => sum + file.bytes, 0),
      files: shardFiles,
    });
  }
  return cuts;
}

/** A run id from the clock and 6 random bytes: unique enough that two runs never share a staging folder. */
export function newRunId(now: Date): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(6).toString('hex')}`;
}

export interface PlanResult {
  plan: ShardPlan;
  /** Where the plan was put. */
  location: string;
}

/** Lists the quarter, cuts it into `shardCount` shards and puts `plan.json` in the target's staging area. */
export async function runPlan(
  settings: Settings,
  shardCount: number,
  runId: string,
  context: RunContext,
  target: Store = openStore(settings.target, { forcePathStyle: settings.s3ForcePathStyle, logger: context.logger }),
): Promise<PlanResult> {
  checkRunId(runId);
  if (!Number.isSafeInteger(shardCount) || shardCount < 1 || shardCount > MAX_SHARDS) {
    throw new PublisherError(
      'E_USAGE',
      `the number of shards must be an integer from 1 to ${MAX_SHARDS}, got ${shardCount}`,
    );
  }
  const quarter: Quarter = quarterToPublish(settings, context.now);
  if (settings.revise) {
    throw new PublisherError(
      'E_CONFIG',
      'setting `revise` is not supported by a sharded run: a revision compares two builds in one process; run `publish --revise` without --workers',
    );
  }
  const datasets = await runDatasets(settings);
  checkDatasetKeys(settings, datasets.named, quarter);
  if (settings.optOut) await readOptOut(settings.optOut);
  const days = quarterDays(quarter);
  const files = await listArchive(settings.archive, days, context.logger, {
    forcePathStyle: settings.s3ForcePathStyle,
  });
  if (files.length === 0) {
    throw new PublisherError(
      'E_ARCHIVE',
      `no archive files for ${formatQuarter(quarter)} under ${settings.archive} (expected folders date=${days[0]} ... date=${days.at(-1)})`,
    );
  }
  const plan: ShardPlan = {
    format: PLAN_FORMAT,
    version: 1,
    runId,
    quarter: formatQuarter(quarter),
    settings: await planSettings(settings, datasets),
    shards: cutByDay(files, shardCount),
  };
  if (plan.shards.length < shardCount) {
    context.logger.warn('fewer shards than asked: a shard is at least one day', {
      asked: shardCount,
      shards: plan.shards.length,
    });
  }
  const key = planKey(runId);
  await target.putBytes(key, `${JSON.stringify(plan, null, 2)}\n`, JSON_OPTIONS);
  context.logger.info('planned the run', {
    runId,
    quarter: plan.quarter,
    shards: plan.shards.length,
    files: files.length,
    plan: target.describe(key),
  });
  return { plan, location: target.describe(key) };
}
