// Rows of different times (days) never mix, so every stage works on batches of consecutive time values.

/** Days one batch holds at the least, and when a run does not size its batches (a week). */
export const DEFAULT_VALUES_PER_BATCH = 7;

/**
 * Events a batch of more than a week is sized for: about a week of the 10M-event bench quarter, where a
 * week was measured best (the whole 10M run: batches of 4 days 2:56, 7 days 2:36, 23 days 2:58: larger
 * ones spill under the memory limit). Where a quarter is small, each statement's fixed cost dominates:
 * the demo in one batch publishes in 15-16 s against 21 s in weeks; a 2M quarter's statements take 38 s
 * instead of 45 s, but its wall time stays about 54 s, as the elimination of the last, larger batch no
 * longer overlaps with DuckDB. Never less than a week: some statements of a batch read a whole table of
 * the quarter (the family's rows), so on a 50M quarter one-day batches took 18:08 against 17:14.
 */
export const EVENTS_PER_BATCH = 750_000;

/**
 * Days per batch for `events` spread over `days`: about EVENTS_PER_BATCH events, at least a week and at
 * most a quarter. Batches never change what is published, only how many statements compute it.
 */
export function valuesPerBatch(events: number, days: number): number {
  if (!(events > 0) || !(days > 0)) return DEFAULT_VALUES_PER_BATCH;
  return Math.min(92, Math.max(DEFAULT_VALUES_PER_BATCH, Math.round((EVENTS_PER_BATCH * days) / events)));
}

/** `count` time values in order, cut into batches of `perBatch`: `[first, last]` indexes, inclusive. */
export function batchRanges(count: number, perBatch = DEFAULT_VALUES_PER_BATCH): Array<[number, number]> {
  if (!Number.isInteger(perBatch) || perBatch < 1)
    throw new Error(`batchRanges: perBatch must be >= 1, got ${perBatch}`);
  const batches: Array<[number, number]> = [];
  for (let start = 0; start < count; start += perBatch) batches.push([start, Math.min(count, start + perBatch) - 1]);
  return batches;
}
