// The exchange format of a sharded run (docs/shards.md): the plan and each shard's output under
// `_staging/<runId>/` of the target's store, a local folder or an S3 prefix alike. A shard's manifest
// is put last and names the sha256 of every file, so the merge sees a complete output or none.
import { dayFolder } from '../archive/files.js';
import { PublisherError } from '../core/errors.js';
import { sha256Hex } from '../core/hash.js';
import type { IngestedEvents, WorstFile } from '../ingest/index.js';
import type { ProtectionDecisions } from '../protect/protect.js';
import type { Store } from '../publish/store/index.js';

/** The target's folder (or prefix) of sharded runs' exchange files; the catalog never lists it. */
export const STAGING_FOLDER = '_staging';

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkRunId(runId: string): string {
  if (!RUN_ID.test(runId) || runId.includes('..')) {
    throw new PublisherError(
      'E_USAGE',
      `--run-id must be 1 to 64 letters, digits, '.', '_' or '-' (starting with a letter or digit), got ${JSON.stringify(runId)}`,
    );
  }
  return runId;
}

export const stagingPrefix = (runId: string): string => `${STAGING_FOLDER}/${runId}/`;
export const planKey = (runId: string): string => `${stagingPrefix(runId)}plan.json`;
export const shardPrefix = (runId: string, index: number): string =>
  `${stagingPrefix(runId)}shard-${String(index).padStart(4, '0')}/`;
export const manifestKey = (runId: string, index: number): string => `${shardPrefix(runId, index)}manifest.json`;
/** The labels step's folder: the quarter-wide decisions every shard's cells step builds its days with. */
export const labelsPrefix = (runId: string): string => `${stagingPrefix(runId)}labels/`;
export const labelsKey = (runId: string): string => `${labelsPrefix(runId)}labels.json`;
/** A shard's cells step: its days' protected rows, beside its facts. */
export const cellsKey = (runId: string, index: number): string => `${shardPrefix(runId, index)}cells.json`;

/** An archive file of the plan: what the shard reads and the merge lists in the input manifest. */
export interface PlannedFile {
  day: string;
  name: string;
  bytes: number;
}

/** A planned file's path under the archive root, as the input manifest records it. */
export function plannedPath(file: PlannedFile): string {
  return `${dayFolder(file.day)}/${file.name}`;
}

export interface PlannedShard {
  index: number;
  firstDay: string;
  lastDay: string;
  bytes: number;
  files: PlannedFile[];
}

/** The settings every step of one run must share: a shard or merge run with others is refused. */
export interface PlanSettings {
  archive: string;
  /** The named datasets, in order, then the companions their populations add. */
  datasets: string[];
  companions: string[];
  /** sha256 of each built dataset's definition (query.sql and dataset.json as loaded). */
  definitions: Record<string, string>;
  k: number | null;
  contributionCap: number | null;
  maxBadShare: number;
  /** sha256 of the opt-out file: every shard must exclude the same machines. */
  optOutSha256: string | null;
}

export const PLAN_FORMAT = 'telemetry-publisher/shard-plan';
export const MANIFEST_FORMAT = 'telemetry-publisher/shard-output';
export const LABELS_FORMAT = 'telemetry-publisher/shard-labels';
export const CELLS_FORMAT = 'telemetry-publisher/shard-cells';

export interface ShardPlan {
  format: typeof PLAN_FORMAT;
  version: 1;
  runId: string;
  quarter: string;
  settings: PlanSettings;
  shards: PlannedShard[];
}

/**
 * What an exchange file holds: a shard's facts step hands on facts (bounded), what the daily bound
 * removed from each machine, events, machines and values; the
 * labels step a decision table (labels, codes); a shard's cells step its days' rows and packed record.
 */
export type ExchangeKind = 'facts' | 'bound' | 'events' | 'machines' | 'values' | 'decision' | 'rows' | 'packed';

export interface ExchangeFile {
  /** Name under the shard's folder. */
  name: string;
  kind: ExchangeKind;
  /** The dataset of a facts, decision, rows or packed file. */
  dataset?: string;
  /** The DuckDB table a decision file is loaded as. */
  table?: string;
  /** `[column, DuckDB type]` of a file loaded with its types (shard/tables.ts). */
  columns?: Array<[string, string]>;
  rows: number;
  bytes: number;
  sha256: string;
}

/** The ingest counts that add up across shards; distinct machines are counted by the merge from `machines`. */
export type ShardEvents = Omit<IngestedEvents, 'excludedNonProductionMachines'>;

export interface ShardManifest {
  format: typeof MANIFEST_FORMAT;
  version: 1;
  runId: string;
  index: number;
  /** sha256 of the plan.json the shard ran: an output of an older plan of the same run id is refused. */
  planSha256: string;
  events: ShardEvents;
  /** The shard's files with the most rejected events (the merge names the quarter's worst). */
  worstFiles: WorstFile[];
  files: ExchangeFile[];
}

/** The labels step's output: every daily dataset's quarter-wide decisions, and the facts they were made from. */
export interface LabelsManifest {
  format: typeof LABELS_FORMAT;
  version: 1;
  runId: string;
  planSha256: string;
  /** sha256 of each shard's manifest.json the decisions were made from, by shard index. */
  shardManifests: string[];
  datasets: Array<{ dataset: string; decisions: ProtectionDecisions }>;
  files: ExchangeFile[];
}

/** A shard's cells step output: its days' rows and packed record of every daily dataset. */
export interface CellsManifest {
  format: typeof CELLS_FORMAT;
  version: 1;
  runId: string;
  index: number;
  planSha256: string;
  /** sha256 of the labels.json the rows were built with. */
  labelsSha256: string;
  files: ExchangeFile[];
}

export const JSON_OPTIONS = { contentType: 'application/json' } as const;
export const PARQUET_OPTIONS = { contentType: 'application/vnd.apache.parquet' } as const;

/** The run's plan and the sha256 of its bytes; a missing or unreadable plan is a configuration error. */
export async function readPlan(store: Store, runId: string): Promise<{ plan: ShardPlan; sha256: string }> {
  const key = planKey(runId);
  const bytes = await store.getBytes(key);
  if (!bytes) {
    throw new PublisherError(
      'E_CONFIG',
      `no plan for run "${runId}" at ${store.describe(key)}: run \`plan --run-id ${runId}\` first (with the same --target)`,
    );
  }
  const plan = parseJson<ShardPlan>(bytes, store.describe(key), 'E_CONFIG');
  if (plan.format !== PLAN_FORMAT || plan.version !== 1 || plan.runId !== runId || !Array.isArray(plan.shards)) {
    throw new PublisherError('E_CONFIG', `${store.describe(key)} is not a version 1 plan of run "${runId}"`);
  }
  return { plan, sha256: sha256Hex(bytes) };
}

export function parseJson<T>(bytes: Buffer, where: string, code: 'E_CONFIG' | 'E_ARCHIVE'): T {
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch (error) {
    throw new PublisherError(code, `${where} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** Refuses a step whose settings differ from the plan's, naming the first setting that differs. */
export function assertSamePlan(plan: ShardPlan, quarter: string, settings: PlanSettings, where: string): void {
  const differences: string[] = [];
  if (plan.quarter !== quarter) differences.push(`quarter: plan ${plan.quarter}, this run ${quarter}`);
  for (const key of Object.keys(settings) as Array<keyof PlanSettings>) {
    const planned = JSON.stringify(plan.settings[key] ?? null);
    const given = JSON.stringify(settings[key]);
    if (planned !== given) differences.push(`${key}: plan ${planned}, this run ${given}`);
  }
  if (differences.length > 0) {
    throw new PublisherError(
      'E_CONFIG',
      `the plan ${where} was made with other settings (${differences.join('; ')}): run every step of run "${plan.runId}" with the plan's settings, or make a new plan`,
    );
  }
}
