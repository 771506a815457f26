// Quarters in UTC: parsing, their days, the last complete one, at the edges (Q4 into the next year, leap
// years, the last millisecond of a quarter) and whatever time zone the machine running the job is in.
import { afterEach, describe, expect, it } from 'vitest';
import { isPublisherError } from '../../src/core/errors.js';
import {
  formatDay,
  formatQuarter,
  isComplete,
  lastCompleteQuarter,
  parseQuarter,
  previousQuarter,
  quarterDays,
  quarterEnd,
  quarterStart,
} from '../../src/core/quarter.js';

const savedTz = process.env.TZ;
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

describe('parseQuarter', () => {
  it('reads 2026-Q3 and the spellings the README allows, and formats back to 2026-Q3', () => {
    for (const text of ['2026-Q3', '2026-q3', '2026Q3', '2026q3', ' 2026-Q3\n']) {
      expect(parseQuarter(text), text).toEqual({ year: 2026, quarter: 3 });
    }
    expect(formatQuarter(parseQuarter('2026q4'))).toBe('2026-Q4');
  });

  it('refuses anything else with E_CONFIG, quoting what it got', () => {
    for (const text of ['2026-Q0', '2026-Q5', '26-Q3', '2026-3', '2026-Q3x', 'Q3-2026', '2026--Q3', '']) {
      let error: unknown;
      try {
        parseQuarter(text);
      } catch (caught) {
        error = caught;
      }
      expect(isPublisherError(error) && error.code, text).toBe('E_CONFIG');
      expect((error as Error).message).toBe(`quarter must look like 2026-Q3, got "${text}"`);
    }
  });
});

describe('days of a quarter', () => {
  it('runs from the first day of its first month to the last day of its third, in UTC', () => {
    const days = quarterDays({ year: 2026, quarter: 3 });
    expect([days[0], days.at(-1), days.length]).toEqual(['2026-07-01', '2026-09-30', 92]);
    expect(quarterStart({ year: 2026, quarter: 3 }).toISOString()).toBe('2026-07-01T00:00:00.000Z');
    expect(quarterEnd({ year: 2026, quarter: 3 }).toISOString()).toBe('2026-10-01T00:00:00.000Z');
  });

  it('Q4 ends at the start of the next year', () => {
    const days = quarterDays({ year: 2026, quarter: 4 });
    expect([days[0], days.at(-1), days.length]).toEqual(['2026-10-01', '2026-12-31', 92]);
    expect(quarterEnd({ year: 2026, quarter: 4 }).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('Q1 has 29 February in leap years only (every 4th year, not 2100, but 2000)', () => {
    const q1 = (year: number) => quarterDays({ year, quarter: 1 });
    expect(q1(2024)).toContain('2024-02-29');
    expect(q1(2024)).toHaveLength(91);
    expect(q1(2026)).not.toContain('2026-02-29');
    expect(q1(2026)).toHaveLength(90);
    expect(q1(2100)).toHaveLength(90);
    expect(q1(2000)).toHaveLength(91);
    expect(quarterDays({ year: 2024, quarter: 2 })).toHaveLength(91);
  });

  it('lists each day once and in order, so the four quarters of a year are its days', () => {
    const year = [1, 2, 3, 4].flatMap((quarter) => quarterDays({ year: 2024, quarter: quarter as 1 | 2 | 3 | 4 }));
    expect(year).toHaveLength(366);
    expect(new Set(year).size).toBe(366);
    expect([...year].sort()).toEqual(year);
  });
});

describe('the last complete quarter', () => {
  it('is the one before the quarter `now` is in; from 1 January that is Q4 of the year before', () => {
    expect(lastCompleteQuarter(new Date('2026-08-15T12:00:00Z'))).toEqual({ year: 2026, quarter: 2 });
    expect(lastCompleteQuarter(new Date('2027-01-01T00:00:00.000Z'))).toEqual({ year: 2026, quarter: 4 });
    expect(lastCompleteQuarter(new Date('2026-12-31T23:59:59.999Z'))).toEqual({ year: 2026, quarter: 3 });
    expect(lastCompleteQuarter(new Date('2026-01-01T00:00:00.000Z'))).toEqual({ year: 2025, quarter: 4 });
  });

  it('a quarter is complete from the first millisecond after it, not before', () => {
    const q3 = { year: 2026, quarter: 3 } as const;
    expect(isComplete(q3, new Date('2026-09-30T23:59:59.999Z'))).toBe(false);
    expect(isComplete(q3, new Date('2026-10-01T00:00:00.000Z'))).toBe(true);
    expect(isComplete({ year: 2026, quarter: 4 }, new Date('2026-12-31T23:59:59.999Z'))).toBe(false);
    expect(isComplete({ year: 2026, quarter: 4 }, new Date('2027-01-01T00:00:00.000Z'))).toBe(true);
  });

  it('the quarter before Q1 is Q4 of the year before', () => {
    expect(previousQuarter({ year: 2027, quarter: 1 })).toEqual({ year: 2026, quarter: 4 });
    expect(previousQuarter({ year: 2026, quarter: 4 })).toEqual({ year: 2026, quarter: 3 });
  });
});

describe('the machine time zone', () => {
  // Cron hosts are not always on UTC: a run at 23:30 UTC on 31 March is 13:30 on 1 April in Kiritimati
  // and 16:30 on 31 March in Los Angeles. Quarters and days follow UTC either way.
  for (const tz of ['Pacific/Kiritimati', 'America/Los_Angeles', 'UTC']) {
    it(`changes nothing (${tz})`, () => {
      process.env.TZ = tz;
      expect(lastCompleteQuarter(new Date('2026-03-31T23:30:00Z'))).toEqual({ year: 2025, quarter: 4 });
      expect(lastCompleteQuarter(new Date('2026-04-01T00:30:00Z'))).toEqual({ year: 2026, quarter: 1 });
      expect(formatDay(new Date('2026-03-31T23:30:00Z'))).toBe('2026-03-31');
      expect(formatDay(new Date('2026-04-01T00:30:00Z'))).toBe('2026-04-01');
      const days = quarterDays({ year: 2026, quarter: 1 });
      expect([days[0], days.at(-1), days.length]).toEqual(['2026-01-01', '2026-03-31', 90]);
    });
  }
});
