import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Duck, openDuck } from '../../src/engine/duck.js';
import { datasetTables } from '../../src/engine/tables.js';
import {
  batchPairsStatement,
  buildBatch,
  createCellTables,
  createKeyLayout,
  type KeyLayout,
  remainderMasks,
  STAGE,
  timeBatches,
} from '../../src/protect/cells.js';
import { chooseLabels, type DimensionLabels } from '../../src/protect/labels.js';
import { type DatasetDefinition, loadDataset } from '../../src/query/dataset.js';

// The cell stage's statements on a small DuckDB, facts written by hand (k = 3, cli-usage's dimensions and
// remainder steps; step 1 rolls RuntimeID, OSVersion and SDKVersion into Other). On 2026-07-01:
// machines 1-3 share a full-detail row (k of them), machines 4-5 differ from it only in the SDK and
// machine 6 only in the OS version: two rows under k, which step 1 merges into one of 3 machines.
// 2026-07-02 holds what gives every value k machines over the quarter, so every value keeps its label.
const K = 3;
const FIXED_STEPS = [
  ['SDKVersion', 'OSVersion', 'RuntimeID'],
  ['SDKVersion', 'OSVersion', 'RuntimeID', 'Command'],
];
const FACTS: Array<[day: string, machine: number, os: string, sdk: string]> = [
  ['2026-07-01', 1, '22.04', '8.0.100'],
  ['2026-07-01', 2, '22.04', '8.0.100'],
  ['2026-07-01', 3, '22.04', '8.0.100'],
  ['2026-07-01', 4, '22.04', '9.0.100'],
  ['2026-07-01', 5, '22.04', '9.0.100'],
  ['2026-07-01', 6, '24.04', '8.0.100'],
  ['2026-07-02', 7, '24.04', '9.0.100'],
  ['2026-07-02', 8, '24.04', '8.0.100'],
];

describe('the cell stage', () => {
  let duck: Duck;
  let dataset: DatasetDefinition;
  let labels: DimensionLabels[];
  let layout: KeyLayout;
  const tables = datasetTables('cells_test');

  beforeAll(async () => {
    duck = await openDuck();
    // The fixed steps cli-usage had before it rolled one dimension at a time: this pins the step mechanics.
    dataset = { ...(await loadDataset('cli-usage')), remainder: FIXED_STEPS, remainderByData: undefined };
    await duck.run(`
      CREATE TABLE facts AS
        SELECT day::DATE AS "Timestamp", machine::UBIGINT AS machine_id, 'build' AS "Command", 'Germany' AS "Geography",
               'Europe' AS continent, 'Linux' AS "OSFamily", 'linux-x64' AS "RuntimeID", os AS "OSVersion",
               sdk AS "SDKVersion", 2::BIGINT AS _events
        FROM (VALUES ${FACTS.map(([day, machine, os, sdk]) => `('${day}', ${machine}, '${os}', '${sdk}')`).join(', ')}) v(day, machine, os, sdk)`);
    labels = await chooseLabels(duck, dataset, 'facts', tables, K);
    layout = await createKeyLayout(duck, dataset, 'facts', labels, tables);
    await createCellTables(duck, dataset, tables, layout);
    for (const batch of await timeBatches(duck, layout, 7)) {
      await buildBatch(duck, dataset, 'facts', labels, layout, tables, batch, K, 100);
    }
  });
  afterAll(() => duck.close());

  const fieldBits = (field: { shift: number; bits: number }) =>
    ((1n << BigInt(field.bits)) - 1n) << BigInt(field.shift);

  it('renders each step mask to clear exactly the dimensions the step rolls up, and names them', () => {
    const masks = remainderMasks(dataset, layout);
    expect(masks).toHaveLength(dataset.remainder.length);
    for (const [step, { rolled, mask }] of masks.entries()) {
      expect(new Set(rolled)).toEqual(new Set(dataset.remainder[step]));
      expect(mask & fieldBits(layout.time)).toBe(fieldBits(layout.time));
      for (const field of layout.dimensions) {
        expect(mask & fieldBits(field), `step ${step + 1}, ${field.column}`).toBe(
          rolled.includes(field.column) ? 0n : fieldBits(field),
        );
      }
    }
    const statement = batchPairsStatement(dataset, 'facts', labels, layout, tables, [0, 1], K, false);
    expect(statement.params.step1_mask).toBe(masks[0]!.mask);
    expect(statement.sql).toContain(`remainder step 1 clears ${masks[0]!.rolled.join(', ')}`);
    // Values are bound, never spliced: no mask appears in the text.
    for (const { mask } of masks) expect(statement.sql).not.toContain(mask.toString());
  });

  it('moves only the pairs of rows under k, and clears exactly the step-1 fields of their keys', async () => {
    const pairs = await duck.all<{ machine: string; key: string; stage: number }>(
      `SELECT machine_id AS machine, _key::VARCHAR AS key, _stage AS stage FROM ${tables.packed} ORDER BY machine_id`,
    );
    const of = (machine: number) => pairs.find((pair) => pair.machine === String(machine))!;
    const [step1] = remainderMasks(dataset, layout);
    // The row of k machines keeps its pairs where the labels put them.
    for (const machine of [1, 2, 3]) expect(of(machine)).toMatchObject({ key: of(1).key, stage: STAGE.detail });
    // The two rows under k moved, to the full-detail key with the step's fields cleared, and nowhere else.
    for (const machine of [4, 5, 6]) {
      expect(of(machine)).toMatchObject({ key: String(BigInt(of(1).key) & step1!.mask), stage: STAGE.remainder });
    }
    const rows = await duck.all<Record<string, string>>(
      `SELECT "Timestamp"::VARCHAR AS day, "RuntimeID", "OSVersion", "SDKVersion", _machines::INTEGER AS machines, _published
       FROM ${tables.rows} WHERE "Timestamp" = '2026-07-01' ORDER BY _key`,
    );
    expect(rows).toEqual([
      { day: '2026-07-01', RuntimeID: 'Other', OSVersion: 'Other', SDKVersion: 'Other', machines: 3, _published: true },
      {
        day: '2026-07-01',
        RuntimeID: 'linux-x64',
        OSVersion: '22.04',
        SDKVersion: '8.0.100',
        machines: 3,
        _published: true,
      },
    ]);
  });
});
