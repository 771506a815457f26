// UTC days as `YYYY-MM-DD` and as epoch days (days since 1970-01-01), the unit the SQL side works in.

import type { Quarter } from '../../src/core/release.js';
import { createRandom } from './random.js';

const DAY_MS = 86_400_000;

export interface Day {
  day: string;
  epochDay: number;
}

export function dayOfEpoch(epochDay: number): Day {
  return { day: new Date(epochDay * DAY_MS).toISOString().slice(0, 10), epochDay };
}

export function quarterFirstEpochDay(quarter: Quarter): number {
  return Date.UTC(quarter.year, (quarter.quarter - 1) * 3, 1) / DAY_MS;
}

export function nextQuarter(quarter: Quarter): Quarter {
  return quarter.quarter === 4
    ? { year: quarter.year + 1, quarter: 1 }
    : { year: quarter.year, quarter: (quarter.quarter + 1) as Quarter['quarter'] };
}

export function previousQuarter(quarter: Quarter): Quarter {
  return quarter.quarter === 1
    ? { year: quarter.year - 1, quarter: 4 }
    : { year: quarter.year, quarter: (quarter.quarter - 1) as Quarter['quarter'] };
}

/** Every UTC day of the quarter. */
export function quarterDays(quarter: Quarter): Day[] {
  const first = quarterFirstEpochDay(quarter);
  const end = quarterFirstEpochDay(nextQuarter(quarter));
  return Array.from({ length: end - first }, (_, index) => dayOfEpoch(first + index));
}

/** The last quarter that ended before `now` (UTC). */
export function lastCompleteQuarter(now: Date): Quarter {
  const current: Quarter = {
    year: now.getUTCFullYear(),
    quarter: (Math.floor(now.getUTCMonth() / 3) + 1) as Quarter['quarter'],
  };
  return previousQuarter(current);
}

export function epochDayOf(date: Date): number {
  return Math.floor(date.getTime() / DAY_MS);
}

/**
 * Splits `total` events over the days like developer activity: weekends at ~40 %, the days around the new
 * year quieter, a little day-to-day noise. Exact: the counts add up to `total`.
 */
export function dailyCounts(seed: number, days: readonly Day[], total: number): number[] {
  const weights = days.map(({ day, epochDay }) => {
    const weekday = new Date(epochDay * DAY_MS).getUTCDay();
    const monthDay = day.slice(5);
    const holiday = monthDay >= '12-24' || monthDay <= '01-01' ? 0.45 : 1;
    const week = weekday === 6 ? 0.45 : weekday === 0 ? 0.4 : 1;
    const noise = 1 + 0.06 * createRandom(seed, `day-noise:${day}`).normal();
    return Math.max(0.05, week * holiday * noise);
  });
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((weight) => (weight / sum) * total);
  const counts = exact.map(Math.floor);
  let missing = total - counts.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of byRemainder) {
    if (missing <= 0) break;
    counts[index]! += 1;
    missing -= 1;
  }
  return counts;
}
