// A result read by columns (engine/columns.ts), against real DuckDB: more rows than one chunk holds
// (2,048), empty lists, and the refusals that keep a wrong type or a NULL from reading as a number.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Duck, openDuck } from '../../src/engine/duck.js';

let duck: Duck;
beforeAll(async () => {
  duck = await openDuck();
});
afterAll(() => duck.close());

const listAt = (lists: { offsets: Int32Array; values: Int32Array }, n: number) =>
  Array.from(lists.values.subarray(lists.offsets[n], lists.offsets[n + 1]));

describe('columns', () => {
  it('reads integers and integer lists across chunks as the rows read them', async () => {
    const sql = `SELECT i::INTEGER AS n, range(0, i % 5)::INTEGER[] AS list, 'row ' || i AS name, (i * 3)::BIGINT AS big
                 FROM range(5000) t(i) WHERE i >= $from ORDER BY i`;
    const columns = await duck.columns(sql, { from: 1 });
    const rows = await duck.all<{ n: number; list: number[]; name: string; big: string }>(sql, { from: 1 });
    expect(columns.rowCount).toBe(4999);
    expect(Array.from(columns.integers('n'))).toEqual(rows.map((row) => row.n));
    const lists = columns.integerLists('list');
    expect(lists.offsets.length).toBe(5000);
    expect(rows.map((_, n) => listAt(lists, n))).toEqual(rows.map((row) => row.list));
    expect(columns.values('name')).toEqual(rows.map((row) => row.name));
    expect(columns.values('big')).toEqual(rows.map((row) => BigInt(row.big)));
  });

  it('reads an empty result and a script without parameters', async () => {
    const empty = await duck.columns('SELECT 1::INTEGER AS n, [1]::INTEGER[] AS list WHERE false');
    expect(empty.rowCount).toBe(0);
    expect(Array.from(empty.integers('n'))).toEqual([]);
    expect(empty.integerLists('list')).toEqual({ offsets: Int32Array.from([0]), values: new Int32Array(0) });
  });

  it('refuses a NULL, a column of another type and a column that is not there', async () => {
    const columns = await duck.columns(
      'SELECT * FROM (VALUES (1, [1, NULL]::INTEGER[], 1::BIGINT), (NULL, [2]::INTEGER[], 2::BIGINT)) t(n, list, big)',
    );
    expect(() => columns.integers('n')).toThrow(/column n holds a NULL/);
    expect(() => columns.integerLists('list')).toThrow(/column list holds a NULL/);
    expect(() => columns.integers('big')).toThrow(/column big is not INTEGER/);
    expect(() => columns.integerLists('big')).toThrow(/column big is not a list/);
    expect(() => columns.integers('nothing')).toThrow(/no column nothing \(columns: n, list, big\)/);
    const bigLists = await duck.columns('SELECT [1]::BIGINT[] AS list');
    expect(() => bigLists.integerLists('list')).toThrow(/column list is not INTEGER\[\]/);
  });
});
