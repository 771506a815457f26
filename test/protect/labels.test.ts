import type { Duck } from '../../src/engine/duck.js';
import { datasetTables } from '../../src/engine/tables.js';
import { chooseLabels } from '../../src/protect/labels.js';
import { loadDataset } from '../../src/query/dataset.js';
import { describe, expect, it, test } from '../helpers/fixtures.js';

/**
 * Level 0 of the labels is counted on a sample first and over all facts only for the values the sample
 * leaves under k. The answer must be the definition's whatever the sample catches: a value keeps its
 * own label exactly when at least k distinct machines used it over the quarter.
 */
describe('quarter-wide labels', () => {
  let duck: Duck;
  const k = 10;

  test.beforeEach(async ({ duck: fresh }) => {
    duck = fresh;
    // 600 commands used by 1 to 30 machines once each (around k, so a tenth of the facts rarely holds
    // k of them); one command used by 40,000 machines on 5 days: 200k facts in all, enough row groups
    // for the sample to catch the common value and miss the others.
    await duck.run(`
      CREATE TABLE facts AS
        WITH spec AS (SELECT v, 1 + v % 30 AS machines FROM range(600) t(v)),
        rare AS (
          SELECT 'c' || v AS "Command", (v * 1000 + m)::UBIGINT AS machine_id, (v + m) % 92 AS d
          FROM spec, range(machines) a(m)
        ),
        common AS (SELECT 'build' AS "Command", (10000000 + m)::UBIGINT AS machine_id, d FROM range(40000) a(m), range(5) b(d))
        SELECT DATE '2026-07-01' + d::INTEGER AS "Timestamp", machine_id, "Command", 'Germany' AS "Geography", 'Europe' AS continent,
               'Linux' AS "OSFamily", 'linux-x64' AS "RuntimeID", '22.04' AS "OSVersion", '8.0.100' AS "SDKVersion", 1::BIGINT AS _events
        FROM (SELECT * FROM rare UNION ALL SELECT * FROM common)
        ORDER BY hash(machine_id, d)`);
  });

  it('gives a value its own label exactly when k machines used it, whether or not the sample caught it', async () => {
    const labels = await chooseLabels(duck, await loadDataset('cli-usage'), 'facts', datasetTables('t'), k);
    const command = labels.find((label) => label.column === 'Command')!;
    const own = await duck.all<{ v: string }>(`SELECT _value AS v FROM ${command.table} WHERE _level = 0 ORDER BY v`);
    const expected = await duck.all<{ v: string }>(
      `SELECT "Command" AS v FROM facts GROUP BY 1 HAVING count(DISTINCT machine_id) >= ${k} ORDER BY v`,
    );
    expect(expected.length).toBeGreaterThan(400);
    expect(own).toEqual(expected);
    // A sample of a tenth of the facts holds k machines of only a few of these values: most of the
    // answer came from the full count of the values the sample left under k.
    const [sampled] = await duck.all<{ n: string }>(
      `SELECT count(*)::BIGINT AS n FROM (SELECT "Command" FROM facts TABLESAMPLE 10% (system, 1) GROUP BY 1 HAVING count(DISTINCT machine_id) >= ${k})`,
    );
    expect(Number(sampled!.n)).toBeLessThan(expected.length / 2);
    // Every other value is "Other" (Command has no ladder), and each value has exactly one label.
    const [rest] = await duck.all<{ n: string; other: string; values: string }>(
      `SELECT count(*)::BIGINT AS n, count(*) FILTER (WHERE _label = 'Other')::BIGINT AS other, count(DISTINCT _value)::BIGINT AS values FROM ${command.table}`,
    );
    expect(Number(rest!.n)).toBe(601);
    expect(Number(rest!.values)).toBe(601);
    expect(Number(rest!.other)).toBe(601 - expected.length);
  });
});
