// Rows of different times (days) never mix, so every stage works on batches of consecutive time values.

/** How many values of the time column (days) one batch holds: few statements, memory bounded by a week. */
const VALUES_PER_BATCH = 7;

/** `count` time values in order, cut into batches: `[first, last]` indexes, inclusive. */
export function batchRanges(count: number): Array<[number, number]> {
  const batches: Array<[number, number]> = [];
  for (let start = 0; start < count; start += VALUES_PER_BATCH)
    batches.push([start, Math.min(count, start + VALUES_PER_BATCH) - 1]);
  return batches;
}
