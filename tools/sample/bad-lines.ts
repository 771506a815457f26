// Lines a real archive collects that the publisher must reject and count: partial writes, a proxy's error
// page, events missing a required field or carrying a field of the wrong type, clocks that put an event in
// another UTC day. Each kind is named after the reason the publisher's ingest reports.

import type { Day } from './calendar.js';
import { createRandom } from './random.js';

export const BAD_LINE_KINDS = [
  'not_json',
  'missing_timestamp',
  'missing_machine_id',
  'timestamp_outside_day',
  'invalid_timestamp',
  'wrong_type',
] as const;
export type BadLineKind = (typeof BAD_LINE_KINDS)[number];

export interface BadLine {
  kind: BadLineKind;
  line: string;
}

const DAY_MS = 86_400_000;

/** The bad lines of one kind for one day folder (two variants of most kinds). */
export function badLines(seed: number, day: Day, kind: BadLineKind): BadLine[] {
  const random = createRandom(seed, `bad:${day.day}:${kind}`);
  const at = (ms: number, suffix = 'Z') =>
    `${new Date(day.epochDay * DAY_MS + ms).toISOString().slice(0, 23)}${suffix}`;
  const event = (): Record<string, unknown> => ({
    timestamp: at(random.int(DAY_MS)),
    machine_id: random.hex64(),
    event: 'command',
    command: random.pick(['build', 'run', 'restore', 'test']),
    exit_code: 0,
    os_family: 'Linux',
    os_version: '22.04',
    runtime_id: 'linux-x64',
    sdk_version: '8.0.404',
    ip_prefix: '81.2.69',
    environment: 'production',
    is_container: false,
    cwd_hash: random.hex64(),
  });
  const lines = (...values: Array<Record<string, unknown> | string>): BadLine[] =>
    values.map((value) => ({ kind, line: typeof value === 'string' ? value : JSON.stringify(value) }));
  const without = (field: string): Record<string, unknown> => {
    const copy = event();
    delete copy[field];
    return copy;
  };
  switch (kind) {
    case 'not_json': {
      const whole = JSON.stringify(event());
      // A write cut short, and a proxy's error page stored as if it were an event.
      return lines(
        whole.slice(0, 40 + random.int(whole.length - 60)),
        '<html><head><title>502 Bad Gateway</title></head></html>',
      );
    }
    case 'missing_timestamp':
      return lines(without('timestamp'));
    case 'missing_machine_id':
      return lines(without('machine_id'));
    case 'timestamp_outside_day':
      return lines(
        // Uploaded late from a client that buffered it the day before.
        { ...event(), timestamp: at(-1 - random.int(3_600_000)) },
        // Local date of the folder, but 22:30 at UTC-05:00 is already the next UTC day.
        { ...event(), timestamp: `${day.day}T22:30:00.000-05:00` },
      );
    case 'invalid_timestamp':
      // No offset: the instant is unknown.
      return lines({ ...event(), timestamp: at(random.int(DAY_MS), '') });
    case 'wrong_type':
      return lines({ ...event(), exit_code: 'zero' }, { ...event(), machine_id: 12 });
  }
}
