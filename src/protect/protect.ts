// The protect stage: turns a dataset's facts into rows that each rest on at least k machines. Labels are
// chosen once for the quarter (labels.ts), then rows are built batch by batch (cells.ts); linked.ts adds
// secondary suppression for datasets that count the same machines many times. The statistics' statement
// is in protect.sql.
import type { DatasetRun } from '../config.js';
import { DEFAULT_VALUES_PER_BATCH } from '../core/batches.js';
import type { Logger } from '../core/log.js';
import { type Duck, quotedIdentifier as id } from '../engine/duck.js';
import { sqlTemplates } from '../engine/sql.js';
import { type DatasetTables, datasetTables } from '../engine/tables.js';
import type { DatasetDefinition } from '../query/dataset.js';
import type { QueryFacts } from '../query/facts.js';
import {
  buildBatch,
  createCellTables,
  createKeyLayout,
  type KeyLayout,
  labelRowsIdentifyFacts,
  oneAtATimeSteps,
  type RemainderChoice,
  remainderOrder,
  STAGE,
  timeBatches,
} from './cells.js';
import { boundDailyContribution, type DailyBoundStats } from './contribution.js';
import { chooseLabels, type DimensionLabels } from './labels.js';

const sql = sqlTemplates(import.meta.url, 'protect.sql');

export interface ProtectionParameters {
  k: number;
  cap: number;
  /** Events one machine may contribute to the dataset on one day; null when unbounded (or counting machines). */
  dailyCap: number | null;
}

export interface ProtectionOptions {
  /** Keep every working table in the database file (a revision compares two builds' files). */
  keepTables?: boolean;
  /** Row keys up to this many bits travel as BIGINT, longer ones as HUGEINT (default 63; tests set 0). */
  narrowKeyBits?: number;
  /** Days per batch of the cell stage (valuesPerBatch in core/batches.ts; default a week). */
  perBatch?: number;
  /**
   * The facts are bounded already (by a sharded run's shards, day by day), and this is what the bound
   * removed over the quarter; unset, the facts are bounded here.
   */
  dailyBound?: DailyBoundStats;
}

export interface ProtectedDataset {
  /** The dataset with its remainder steps resolved (chosen from the data where it asks for that). */
  dataset: DatasetDefinition;
  /** The order chosen from the data, with what each dimension kept; null for fixed steps. */
  remainderOrder: RemainderChoice[] | null;
  parameters: ProtectionParameters;
  /** `(time, dims..., machine_id, _events)`: the dataset's facts aggregated to one row per machine and cell. */
  facts: string;
  labels: DimensionLabels[];
  /** How a row's labels pack into its integer key (`_key` of the rows table). */
  layout: KeyLayout;
  tables: DatasetTables;
  batches: number;
  dailyBound: DailyBoundStats;
}

/** What a dataset's protection decides over the whole quarter, before any row is built. */
export interface ProtectionDecisions {
  /** The remainder steps in force (chosen from the data where the dataset asks for that). */
  remainder: string[][];
  /** The order chosen from the data, with what each dimension kept; null for fixed steps. */
  remainderOrder: RemainderChoice[] | null;
  labels: DimensionLabels[];
  layout: KeyLayout;
}

/**
 * Protects the query's facts: choose quarter-wide labels (a small pass over distinct values), then
 * build rows batch by batch.
 */
export async function protectDataset(
  duck: Duck,
  run: DatasetRun,
  facts: QueryFacts,
  options: ProtectionOptions,
  logger: Logger,
): Promise<ProtectedDataset> {
  const dailyBound = options.dailyBound ?? (await boundDailyContribution(duck, run, facts));
  const decisions = await decideProtection(duck, run, facts, options);
  return buildProtectedRows(duck, run, facts, decisions, dailyBound, options, logger);
}

/**
 * The quarter-wide part of the protection, on facts already bounded: the labels, the key layout and
 * the remainder order. They leave their tables (labels, codes) in the database; a sharded run hands
 * them on to the shards (shard/labels.ts), which build their days' rows with the same decisions.
 */
export async function decideProtection(
  duck: Duck,
  run: DatasetRun,
  facts: QueryFacts,
  options: ProtectionOptions,
): Promise<ProtectionDecisions> {
  const { k, cap, dataset } = run;
  const tables = datasetTables(dataset.name);
  const labels = await chooseLabels(duck, dataset, facts.table, tables, k);
  const layout = await createKeyLayout(duck, dataset, facts.table, labels, tables, options.narrowKeyBits);
  const order = dataset.remainderByData
    ? await remainderOrder(
        duck,
        dataset,
        facts.table,
        labels,
        layout,
        k,
        cap,
        options.perBatch ?? DEFAULT_VALUES_PER_BATCH,
      )
    : null;
  return { remainder: order ? oneAtATimeSteps(order) : dataset.remainder, remainderOrder: order, labels, layout };
}

/** The dataset with the decisions' remainder steps, and what its protection's report and later stages read. */
export function protectedDataset(
  run: DatasetRun,
  facts: QueryFacts,
  decisions: ProtectionDecisions,
  dailyBound: DailyBoundStats,
  batches: number,
): ProtectedDataset {
  const dataset = { ...run.dataset, remainder: decisions.remainder };
  const dailyCap = dataset.measure.count === 'events' ? (run.dailyCap ?? null) : null;
  return {
    dataset,
    remainderOrder: decisions.remainderOrder,
    parameters: { k: run.k, cap: run.cap, dailyCap },
    facts: facts.table,
    labels: decisions.labels,
    layout: decisions.layout,
    tables: datasetTables(dataset.name),
    batches,
    dailyBound,
  };
}

/** Builds the rows of every day the (bounded) facts hold, batch by batch, under the quarter's decisions. */
export async function buildProtectedRows(
  duck: Duck,
  run: DatasetRun,
  facts: QueryFacts,
  decisions: ProtectionDecisions,
  dailyBound: DailyBoundStats,
  options: ProtectionOptions,
  logger: Logger,
): Promise<ProtectedDataset> {
  const { k, cap } = run;
  const perBatch = options.perBatch ?? DEFAULT_VALUES_PER_BATCH;
  const { labels, layout } = decisions;
  const dataset = { ...run.dataset, remainder: decisions.remainder };
  const tables = datasetTables(dataset.name);
  await createCellTables(duck, dataset, tables, layout, options.keepTables);
  const batches = await timeBatches(duck, layout, perBatch, facts.table);
  const identified = labelRowsIdentifyFacts(dataset, facts.columns, labels);
  for (const batch of batches) {
    await buildBatch(duck, dataset, facts.table, labels, layout, tables, batch, k, cap, identified);
  }
  const order = decisions.remainderOrder;
  logger.info('protected dataset', {
    dataset: dataset.name,
    k,
    cap,
    batches: batches.length,
    ...(order ? { remainderOrder: order.map((choice) => choice.column).join(',') } : {}),
  });
  return protectedDataset(run, facts, decisions, dailyBound, batches.length);
}

export interface ProtectionStats {
  events: number;
  eventsRemovedByCap: number;
  /** Distinct machines that hit the cap in at least one row. */
  machinesCapped: number;
  /** Events the cap removed from the machine it removed most from. */
  largestRemovedByCap: number;
  rowsPublished: number;
  rowsSuppressed: number;
  /** Of the suppressed rows, those suppressed only to protect others against differencing. */
  rowsSecondary: number;
  valuePublished: { detail: number; generalised: number; remainder: number };
  valueSuppressed: number;
  /** Of the suppressed value, the part in rows suppressed only against differencing. */
  valueSecondary: number;
  machinesBehindSuppressed: number;
  minMachinesPerRow: number | null;
  medianMachinesPerRow: number | null;
}

export async function protectionStats(duck: Duck, result: ProtectedDataset): Promise<ProtectionStats> {
  const { rows, packed } = result.tables;
  const [row] = await duck.all<Record<string, string | null>>(
    sql('protection_stats', { facts: id(result.facts), packed: id(packed), rows: id(rows) }),
    {
      counts_events: result.dataset.measure.count === 'events',
      cap: result.parameters.cap,
      stage_detail: STAGE.detail,
      stage_generalised: STAGE.generalised,
      stage_remainder: STAGE.remainder,
    },
  );
  const n = (key: string): number => Number(row?.[key] ?? 0);
  return {
    events: n('events'),
    eventsRemovedByCap: n('removed'),
    machinesCapped: result.dataset.measure.count === 'events' ? n('capped_machines') : 0,
    largestRemovedByCap: result.dataset.measure.count === 'events' ? n('largest_removed') : 0,
    rowsPublished: n('rows_published'),
    rowsSuppressed: n('rows_suppressed'),
    rowsSecondary: n('rows_secondary'),
    valuePublished: { detail: n('detail'), generalised: n('generalised'), remainder: n('remainder') },
    valueSuppressed: n('suppressed'),
    valueSecondary: n('secondary'),
    machinesBehindSuppressed: n('suppressed_machines'),
    minMachinesPerRow: row?.min_machines == null ? null : Number(row.min_machines),
    medianMachinesPerRow: row?.median_machines == null ? null : Number(row.median_machines),
  };
}
