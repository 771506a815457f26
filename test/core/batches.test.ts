// Every stage works on batches of days, sized from the quarter's events. The size may change how many
// statements a run takes, never what it publishes: the same random archives protected in batches of one
// day, two days and the whole quarter give the same rows, withheld rows included, in every table of
// the bundled family.
import fc from 'fast-check';
import { batchRanges, DEFAULT_VALUES_PER_BATCH, valuesPerBatch } from '../../src/core/batches.js';
import { createMemoryLogger } from '../../src/core/log.js';
import { protectLinkedRows } from '../../src/protect/linked.js';
import { loadDataset } from '../../src/query/dataset.js';
import { populationCompanions } from '../../src/query/population.js';
import { event } from '../helpers/archive.js';
import { ingestedDuck, queryAndProtect, writeArchive } from '../helpers/build.js';
import { describe, expect, it } from '../helpers/fixtures.js';

describe('batches of days', () => {
  it('hold about 750,000 events: a week of the 10M bench quarter, at least a week, at most a quarter', () => {
    expect(valuesPerBatch(10_000_000, 92)).toBe(7);
    expect(valuesPerBatch(2_000_000, 92)).toBe(35);
    expect(valuesPerBatch(50_000_000, 92)).toBe(7);
    expect(valuesPerBatch(5_000_000_000, 92)).toBe(7);
    expect(valuesPerBatch(3_000, 92)).toBe(92);
    // Nothing to size from: a week.
    expect(valuesPerBatch(0, 0)).toBe(DEFAULT_VALUES_PER_BATCH);
    expect(valuesPerBatch(0, 92)).toBe(DEFAULT_VALUES_PER_BATCH);
  });

  it('cut the days in order, the last batch short', () => {
    expect(batchRanges(10, 3)).toEqual([
      [0, 2],
      [3, 5],
      [6, 8],
      [9, 9],
    ]);
    expect(batchRanges(3, 92)).toEqual([[0, 2]]);
    expect(batchRanges(0, 7)).toEqual([]);
    expect(() => batchRanges(10, 0)).toThrow(/perBatch/);
  });

  it('never change what is published: the family in batches of 1, 2 and 92 days gives the same rows', async ({
    tmp,
  }) => {
    const days = ['2026-07-01', '2026-07-02', '2026-07-03', '2026-07-04', '2026-07-05'];
    const cube = await loadDataset('cli-usage');
    const family = [cube, ...(await populationCompanions([cube]))];
    const commandEvent = fc.record({
      machine: fc.integer({ min: 0, max: 14 }),
      day: fc.constantFrom(...days),
      command: fc.constantFrom('build', 'run', 'test'),
      sdk_version: fc.constantFrom('8.0.100', '8.0.204', '9.0.100'),
      os_version: fc.constantFrom('22.04', '10.12.6', '10'),
      ip_prefix: fc.constantFrom('81.2.69', '8.8.8', '1.0.0'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(commandEvent, { minLength: 1, maxLength: 150 }), async (commands) => {
        const byDay = Object.fromEntries(days.map((day) => [day, [] as ReturnType<typeof event>[]]));
        for (const { machine, day, ...fields } of commands)
          byDay[day]!.push(event({ machine_id: `m${machine}`, timestamp: `${day}T10:00:00Z`, ...fields }));
        const archive = await writeArchive(tmp, byDay);
        const rows = async (perBatch: number) => {
          const duck = await ingestedDuck(archive, days);
          try {
            const logger = createMemoryLogger();
            const group = [];
            for (const dataset of family)
              group.push(await queryAndProtect(duck, dataset, { k: 3, cap: 2, perBatch }, logger));
            await protectLinkedRows(duck, group, logger, { threads: 1, perBatch });
            const all: unknown[] = [];
            for (const result of group)
              all.push(await duck.all(`SELECT * EXCLUDE (_key) FROM ${result.tables.rows} ORDER BY ALL`));
            return all;
          } finally {
            duck.close();
          }
        };
        const daily = await rows(1);
        expect(await rows(2)).toEqual(daily);
        expect(await rows(92)).toEqual(daily);
      }),
      { numRuns: 4 },
    );
  });
});
