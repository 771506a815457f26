// Calendar quarters in UTC: parsing `2026-Q3`, their days, the last complete one (what a cron run
// publishes by default) and the one before.

import { UTCDate } from '@date-fns/utc';
import { addDays, addQuarters, eachDayOfInterval, formatISO, startOfQuarter } from 'date-fns';
import { PublisherError } from './errors.js';
import type { Quarter } from './release.js';

export type { Quarter } from './release.js';

/** `2026-Q3` (also accepts `2026q3`, `2026-q3`). */
export function parseQuarter(text: string): Quarter {
  const match = /^(\d{4})-?[qQ]([1-4])$/.exec(text.trim());
  if (!match) {
    throw new PublisherError('E_CONFIG', `quarter must look like 2026-Q3, got "${text}"`);
  }
  return { year: Number(match[1]), quarter: Number(match[2]) as Quarter['quarter'] };
}

export function formatQuarter(quarter: Quarter): string {
  return `${quarter.year}-Q${quarter.quarter}`;
}

/** First UTC day of the quarter, as a UTCDate. */
export function quarterStart(quarter: Quarter): UTCDate {
  return new UTCDate(Date.UTC(quarter.year, (quarter.quarter - 1) * 3, 1));
}

/** First UTC day after the quarter. */
export function quarterEnd(quarter: Quarter): UTCDate {
  return addQuarters(quarterStart(quarter), 1);
}

/** Every UTC day of the quarter as `YYYY-MM-DD`. */
export function quarterDays(quarter: Quarter): string[] {
  return eachDayOfInterval({ start: quarterStart(quarter), end: addDays(quarterEnd(quarter), -1) }).map(formatDay);
}

/** The last quarter that ended before `now` (UTC): what a cron run publishes by default. */
export function lastCompleteQuarter(now: Date): Quarter {
  const previous = addQuarters(startOfQuarter(new UTCDate(now.getTime())), -1);
  return { year: previous.getFullYear(), quarter: (Math.floor(previous.getMonth() / 3) + 1) as Quarter['quarter'] };
}

export function isComplete(quarter: Quarter, now: Date): boolean {
  return quarterEnd(quarter).getTime() <= now.getTime();
}

export function previousQuarter(quarter: Quarter): Quarter {
  return quarter.quarter === 1
    ? { year: quarter.year - 1, quarter: 4 }
    : { year: quarter.year, quarter: (quarter.quarter - 1) as Quarter['quarter'] };
}

export function formatDay(date: Date): string {
  return formatISO(new UTCDate(date.getTime()), { representation: 'date' });
}
