// Option checks with messages that name the option and the bad value.

import { PublisherError } from '../../src/core/errors.js';
import type { Quarter } from '../../src/core/release.js';

export function checkInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new PublisherError(
      'E_CONFIG',
      `option \`${name}\` must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

export function checkQuarter(name: string, value: unknown): Quarter {
  const quarter = value as Partial<Quarter> | undefined;
  if (
    typeof quarter !== 'object' ||
    quarter === null ||
    !Number.isInteger(quarter.year) ||
    quarter.year! < 1970 ||
    quarter.year! > 9999 ||
    ![1, 2, 3, 4].includes(quarter.quarter as number)
  ) {
    throw new PublisherError(
      'E_CONFIG',
      `option \`${name}\` must be a quarter like { year: 2026, quarter: 3 }, got ${JSON.stringify(value)}`,
    );
  }
  return { year: quarter.year!, quarter: quarter.quarter! };
}

/** About twenty command events per machine and quarter, like the .NET CLI's long tail of light users. */
export function defaultMachines(commandEvents: number): number {
  return Math.max(50, Math.round(commandEvents / 20));
}
