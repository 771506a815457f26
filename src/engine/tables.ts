// The names of the run's working tables in DuckDB, in one place.
//
// Shared by every dataset (the contract `query.sql` files read): `events` (the usable events, a view of
// `archive_rows`), `prefix_geo` (IP prefix -> country and continent) and `release` (the published
// quarter). Per dataset, every table carries the dataset's prefix, so datasets of one run never meet.

/** The working tables of one dataset. */
export interface DatasetTables {
  /** `ds_<name>`: the prefix of every table below. */
  prefix: string;
  /** The dataset's `query.sql` as a view. */
  query: string;
  /** `(time, dims..., machine_id, _events)`: the query's result, one row per machine and cell. */
  facts: string;
  /** `(_code, _value, _text)` of the time column. */
  timeCodes: string;
  /** `(time, dims..., _key, _value, _machines, _raw_events, _stage, _published, _secondary)`: one row per output row. */
  rows: string;
  /** `(_key, machine_id, _events, _stage)`: which machine (by hash) ended in which row, by packed key. */
  packed: string;
  /** `(time, dims..., machine_id, _events, _stage)`: the same record with the row's key spelled out (a view). */
  assigned: string;
  /** `(scope..., _value, _label, _level, _code, _shared)`: the quarter-wide label of each value of dimension `index`. */
  label(index: number): string;
  /** `(machine_id, removed)`: what the daily contribution bound removed from each machine (a shard's, or all shards'). */
  boundRemoved: string;
}

export function datasetTables(datasetName: string): DatasetTables {
  const prefix = `ds_${datasetName.replace(/-/g, '_')}`;
  return {
    prefix,
    query: `${prefix}_query`,
    facts: `${prefix}_facts`,
    timeCodes: `${prefix}_time_codes`,
    rows: `${prefix}_rows`,
    packed: `${prefix}_assigned_packed`,
    assigned: `${prefix}_assigned`,
    label: (index) => `${prefix}_label_${index}`,
    boundRemoved: `${prefix}_bound_removed`,
  };
}

/** The distinct machine ids (hashes) of the usable events: the only privacy units a query may return. */
export const ARCHIVE_MACHINES_TABLE = 'archive_machines';

/** The (day, machine) pairs over a dataset's daily contribution bound, while it is applied. */
export const DAILY_BOUND_TABLE = '_over_daily_bound';
