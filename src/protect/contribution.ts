// Bounds what one machine contributes to an event-counting dataset on one day (one value of the time
// column). The per-row cap alone leaves one machine free to supply most of a dataset through many rows
// (one machine gave 7,500 of 8,490 published occurrences over 75 rows): with the daily bound D, a
// machine whose facts of a day hold T > D events has each fact scaled to floor(events * D / T), so it
// adds at most D events to the dataset that day, whatever rows they land in. Applied to the facts,
// before any row is built, so every later stage (cells, the check, revisions) sees bounded events.
import type { DatasetRun } from '../config.js';
import { type Duck, quotedIdentifier as id } from '../engine/duck.js';
import { sqlTemplates } from '../engine/sql.js';
import { DAILY_BOUND_TABLE } from '../engine/tables.js';
import type { QueryFacts } from '../query/facts.js';

const sql = sqlTemplates(import.meta.url, 'contribution.sql');

export interface DailyBoundStats {
  /** Events the daily bound removed. */
  eventsRemoved: number;
  /** Distinct machines that went over the bound on at least one day. */
  machinesBounded: number;
  /** Events the bound removed from the machine it removed most from. */
  largestRemoved: number;
}

export const NO_DAILY_BOUND: DailyBoundStats = { eventsRemoved: 0, machinesBounded: 0, largestRemoved: 0 };

export async function boundDailyContribution(
  duck: Duck,
  run: DatasetRun,
  facts: QueryFacts,
  /**
   * Also leave `(machine_id, removed)` in this table, one row per machine the bound touched (a sharded
   * run's shard hands it on: the quarter's figures are the shards' summed per machine).
   */
  removedTable?: string,
): Promise<DailyBoundStats> {
  const { dataset, dailyCap } = run;
  const noneRemoved = async () => {
    if (removedTable) await duck.run(sql('no_removed', { removed: id(removedTable) }));
    return NO_DAILY_BOUND;
  };
  if (dataset.measure.count !== 'events' || dailyCap === undefined) return noneRemoved();
  const fills = { facts: id(facts.table), over: id(DAILY_BOUND_TABLE), time: id(dataset.timeColumn) };
  const params = { daily_cap: dailyCap };
  await duck.run(sql('over_bound', fills), params);
  const [over] = await duck.all<{ n: string }>(sql('count_over', { over: fills.over }));
  if (Number(over?.n ?? 0) === 0) {
    await duck.run(sql('drop_over', { over: fills.over }));
    return noneRemoved();
  }
  if (removedTable) await duck.run(sql('removed_by_machine', { ...fills, removed: id(removedTable) }), params);
  const [before] = await duck.all<{ events: string }>(sql('total_events', { facts: fills.facts }));
  const [stats] = await duck.all<{ machines: string; largest: string }>(sql('bounded_machines', fills), params);
  await duck.run(sql('scale_facts', fills), params);
  const [after] = await duck.all<{ events: string }>(sql('total_events', { facts: fills.facts }));
  return {
    eventsRemoved: Number(before?.events ?? 0) - Number(after?.events ?? 0),
    machinesBounded: Number(stats?.machines ?? 0),
    largestRemoved: Number(stats?.largest ?? 0),
  };
}

/**
 * The quarter's figures from the shards' removed tables (loaded as one table `removed`; per machine, summed
 * across shards: a machine's days may be in several).
 */
export async function dailyBoundOfShards(duck: Duck, removed: string): Promise<DailyBoundStats> {
  const [row] = await duck.all<{ events: string | null; machines: string; largest: string | null }>(
    sql('removed_stats', { removed: id(removed) }),
  );
  return {
    eventsRemoved: Number(row?.events ?? 0),
    machinesBounded: Number(row?.machines ?? 0),
    largestRemoved: Number(row?.largest ?? 0),
  };
}
