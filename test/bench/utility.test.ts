// The utility benchmark's figures on a quarter small enough to work out by hand (k = 3, one ISO week):
// 07-01: a0-a3 build (SDK 8.0.100), x0-x2 build with one-machine SDKs (9.0.100, 7.0.100, 6.0.100: they
// climb to Other and make a generalised row of 3), b0-b1 run (2 machines: suppressed); 07-02: r0-r2 run.
// Truth 12 events (9 + 3); published 10 (4 + 3 + 3); the drop-under-k baseline 7 (4 + 3: the x cells
// have 1 machine each at their raw SDK).

import {
  answerQuestions,
  capCosts,
  createBaseline,
  createIdealTables,
  loadPublished,
  loadTruth,
  type QuestionResult,
} from '../../bench/utility.js';
import { openDuck } from '../../src/engine/duck.js';
import { event, machines } from '../helpers/archive.js';
import { folderIn, writeArchive } from '../helpers/build.js';
import { cli } from '../helpers/cli.js';
import { describe, expect, it } from '../helpers/fixtures.js';
import { cubeOnlyQueries } from '../helpers/queries.js';

const at = (date: string) => ({ timestamp: `${date}T12:00:00Z` });

function figure(results: readonly QuestionResult[], question: string) {
  const result = results.find((candidate) => candidate.question === question)!;
  return { attributable: result.attributable, error: result.error };
}

describe('the utility benchmark', () => {
  it('answers each question from the published files and from the baseline, with the error to the truth', async ({
    tmp,
  }) => {
    const archive = await writeArchive(tmp, {
      '2026-07-01': [
        ...machines(4, 'a', at('2026-07-01')),
        ...['9.0.100', '7.0.100', '6.0.100'].map((sdk, index) =>
          event({ ...at('2026-07-01'), machine_id: `x${index}`, sdk_version: sdk }),
        ),
        ...machines(2, 'b', { ...at('2026-07-01'), command: 'run' }),
      ],
      '2026-07-02': machines(3, 'r', { ...at('2026-07-02'), command: 'run' }),
    });
    const target = await folderIn(tmp, 'target-');
    const run = await cli([
      'publish',
      ...['--archive', archive, '--target', target, '--quarter', '2026-Q3', '--dataset', 'cli-usage', '--k', '3'],
      // The cube alone: the figures below are worked out for its rules, without the family's linked suppression.
      ...['--queries-dir', await cubeOnlyQueries(tmp)],
    ]);
    expect(run.code, run.log.join('\n')).toBe(0);
    const duck = await openDuck();
    try {
      await loadTruth(duck, archive, '2026-07-01', '2026-09-30');
      const tables = await loadPublished(duck, target, ['cli-usage']);
      expect(tables).toHaveLength(1);
      const published = await answerQuestions(duck, tables);
      const baseline = await answerQuestions(duck, [await createBaseline(duck, 3, 100)]);
      expect(published.find((result) => result.question === 'daily total invocations')!.table).toBe(
        'cli-usage-2026-q3.tsv',
      );

      // Daily totals: 10 of 12 published; 07-01 has 7 of 9 (error 2/9), 07-02 all 3.
      expect(figure(published, 'daily total invocations').attributable).toBeCloseTo(10 / 12, 9);
      expect(figure(published, 'daily total invocations').error).toBeCloseTo((100 * 2) / 9, 9);
      expect(figure(baseline, 'daily total invocations').attributable).toBeCloseTo(7 / 12, 9);
      expect(figure(baseline, 'daily total invocations').error).toBeCloseTo((100 * 5) / 9, 9);

      // Command per week: truth build 7/12, run 5/12; published 7/10 and 3/10; baseline 4/7 and 3/7.
      expect(figure(published, 'Command share per ISO week').attributable).toBeCloseTo(10 / 12, 9);
      expect(figure(published, 'Command share per ISO week').error).toBeCloseTo(100 * (7 / 10 - 7 / 12), 9);
      expect(figure(baseline, 'Command share per ISO week').error).toBeCloseTo(100 * (7 / 12 - 4 / 7), 9);

      // SDKVersion per week: exact only 8.0.100 (4 + 3 published); the generalised Other row is not.
      // The error is over what the files give exactly: 8.0.100, 9 of 12 in the truth, 7 of 10 published.
      // The one-machine SDKs are missing answers (attributable), not shares of 0.
      expect(figure(published, 'SDKVersion share per ISO week').attributable).toBeCloseTo(7 / 12, 9);
      expect(figure(published, 'SDKVersion share per ISO week').error).toBeCloseTo(100 * (9 / 12 - 7 / 10), 9);

      // Top 10 commands per day: both commands of each day that has them are found (run on 07-01 is not).
      expect(figure(published, 'top 10 commands per day').attributable).toBeCloseTo(2 / 3, 9);

      // The ideal daily tables at k = 3: day x Command holds build on 07-01 (7 machines) and run on 07-02
      // (3); run on 07-01 (2 machines) is Other. Run's share is 3/12 against the truth's 5/12: the 2/12
      // no daily table at k can attribute, so below what the published files reach (7/10 - 7/12).
      const ideal = await answerQuestions(duck, await createIdealTables(duck, 3));
      expect(figure(ideal, 'Command share per ISO week').attributable).toBeCloseTo(10 / 12, 9);
      expect(figure(ideal, 'Command share per ISO week').error).toBeCloseTo((100 * 2) / 12, 9);
      expect(ideal.find((result) => result.question === 'Command share per ISO week')!.table).toBe(
        'day x Command, ideal',
      );
      // Day x SDKVersion: 8.0.100 on 07-01 has 6 machines (a0-a3, b0-b1), 07-02's 3 (r0-r2): 9 of 12
      // exact, the three one-machine SDKs Other; every share is exact, so no error.
      expect(figure(ideal, 'SDKVersion share per ISO week').attributable).toBeCloseTo(9 / 12, 9);
      expect(figure(ideal, 'SDKVersion share per ISO week').error).toBeCloseTo(0, 9);
      // Every day's total is whole in an ideal table.
      expect(figure(ideal, 'daily total invocations').error).toBeCloseTo(0, 9);
    } finally {
      duck.close();
    }
  });

  it('costs each choice of caps in the family table it removes most from', async ({ tmp }) => {
    // One machine: 150 build and 60 run events on one day.
    const archive = await writeArchive(tmp, {
      '2026-07-01': [
        ...Array.from({ length: 150 }, () => event({ ...at('2026-07-01'), machine_id: 'heavy' })),
        ...Array.from({ length: 60 }, () => event({ ...at('2026-07-01'), machine_id: 'heavy', command: 'run' })),
      ],
    });
    const duck = await openDuck();
    try {
      await loadTruth(duck, archive, '2026-07-01', '2026-09-30');
      // Two tables: day x Command, and day alone (the machine's whole day is one row).
      const costs = await capCosts(
        duck,
        [['Command'], []],
        [
          { rowCap: 100, dailyCap: null },
          { rowCap: 100, dailyCap: 200 },
          { rowCap: 500, dailyCap: 200 },
          { rowCap: 500, dailyCap: null },
        ],
      );
      // Row cap 100: by Command 150 -> 100 (50 removed), by day 210 -> 100 (110): the day table is worst.
      // Daily 200 of 210 scales build to floor(150 * 200 / 210) = 142 and run to 57: 199 kept, then by day
      // still 100. With a row cap of 500 only the daily bound's 11 go, the same in both tables.
      expect(costs.map((cost) => [Math.round(cost.share * 210), cost.worstGrain])).toEqual([
        [110, []],
        [110, []],
        [11, ['Command']],
        [0, []],
      ]);
      expect(costs[0]!.share).toBeCloseTo(110 / 210, 9);
    } finally {
      duck.close();
    }
  });
});
