// Events placed on purpose, on top of the generated ones: timestamps on the quarter's edges, and the
// activity of the planted machines (a single-machine OS version, a two-machine SDK preview, a
// single-machine country), which the Zipf draw never picks.

import type { Day } from './calendar.js';
import type { ExtraEvent } from './commands.js';
import { PLANTED_RANKS } from './machines.js';
import { createRandom } from './random.js';

const LAST_MS = 86_400_000 - 1;

/**
 * `00:00:00.000` UTC on the first day, shown as UTC, as the previous local evening, and as local morning.
 * By the busiest machines (ranks 0-2 of `machines`).
 */
export function firstDayEdges(day: Day, machines: number): ExtraEvent[] {
  return [0, -300, 330].map((offsetMinutes, index) => ({
    epochDay: day.epochDay,
    msOfDay: 0,
    rank: index % machines,
    command: 'build',
    exitCode: 0,
    offsetMinutes,
  }));
}

/** `23:59:59.999` UTC on the last day, shown as UTC, as the next local day (+02:00), and as local afternoon. */
export function lastDayEdges(day: Day, machines: number): ExtraEvent[] {
  return [0, 120, -480].map((offsetMinutes, index) => ({
    epochDay: day.epochDay,
    msOfDay: LAST_MS,
    rank: index % machines,
    command: 'restore',
    exitCode: 0,
    offsetMinutes,
  }));
}

/** The planted machines' events in these days: a handful each, spread over the days. */
export function plantedEvents(seed: number, days: readonly Day[], machines: number, perMachine: number): ExtraEvent[] {
  const random = createRandom(seed, `planted:${days[0]?.day ?? ''}`);
  const ranks = [PLANTED_RANKS.singleMachineOs, ...PLANTED_RANKS.previewSdk, PLANTED_RANKS.singleMachineCountry];
  const events: ExtraEvent[] = [];
  for (const rank of ranks) {
    for (let i = 0; i < perMachine && days.length > 0; i++) {
      events.push({
        epochDay: random.pick(days).epochDay,
        msOfDay: random.between(6, 20) * 3_600_000 + random.int(3_600_000),
        rank: machines + rank,
        command: random.pick(['build', 'build', 'run', 'test', 'restore', 'new']),
        exitCode: random.chance(0.1) ? 1 : 0,
      });
    }
  }
  return events;
}
