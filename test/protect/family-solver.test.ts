// The family's days solved on worker threads (src/protect/family-solver.ts): real workers, whose answers
// must be those of the main thread, and whose errors must come back with their code.
import { afterEach, describe, expect, it } from 'vitest';
import { PublisherError } from '../../src/core/errors.js';
import { type FamilyDay, type FamilyRow, innerCellsOf } from '../../src/protect/family.js';
import {
  createFamilySolver,
  estimatedBytes,
  type FamilyDayProblem,
  type FamilySolver,
  memoryGate,
  packDay,
  packLists,
  solveInPlace,
} from '../../src/protect/family-solver.js';

/** A deterministic stream in [0, 1) (an LCG). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
}

/**
 * A day of three tables over the same events (the cube of two dimensions and each dimension alone),
 * a row published when it has k machines: the cube's rare rows are what its marginals could reveal.
 */
function randomProblem(seed: number, k: number): FamilyDayProblem {
  const next = random(seed);
  const pick = (values: number) => Math.floor(next() ** 2 * values);
  const events = Array.from({ length: 400 }, () => ({
    machine: `m${Math.floor(next() * 60)}`,
    a: `a${pick(12)}`,
    b: `b${pick(8)}`,
  }));
  const tables = [
    (e: (typeof events)[number]) => `cube:${e.a},${e.b}`,
    (e: (typeof events)[number]) => `a:${e.a}`,
    (e: (typeof events)[number]) => `b:${e.b}`,
  ];
  const machinesOf = new Map<string, Set<string>>();
  const eventsOf = new Map<string, number>();
  const pairs = events.map((event) => {
    const rows = tables.map((rowOf) => rowOf(event));
    for (const row of rows) {
      machinesOf.set(row, (machinesOf.get(row) ?? new Set()).add(event.machine));
      eventsOf.set(row, (eventsOf.get(row) ?? 0) + 1);
    }
    return { machine: event.machine, rows };
  });
  const rows: FamilyRow[] = [...eventsOf].map(([id, value]) => ({
    id,
    value,
    published: (machinesOf.get(id)?.size ?? 0) >= k,
  }));
  return packedDay({ rows, pairs }, k);
}

/** A day in the solver's packed form, figures named by their rows as family-tables.ts names them. */
function packedDay(day: FamilyDay, k: number): FamilyDayProblem {
  const { vectors, intersections } = innerCellsOf(day);
  const position = new Map(day.rows.map((row, n) => [row.id, n]));
  const figures = intersections.filter((figure) => figure.machines < k);
  // innerCellsOf names a figure `<kind> <JSON list of row ids>`.
  const parsed = figures.map((figure) => {
    const space = figure.id.indexOf(' ');
    return { kind: figure.id.slice(0, space), rows: JSON.parse(figure.id.slice(space + 1)) as string[] };
  });
  return packDay(
    day.rows.map((row) => ({ ...row, inner: vectors.get(row.id) ?? [] })),
    figures.map((figure, n) => ({
      kind: parsed[n]!.kind,
      rows: parsed[n]!.rows.map((id) => position.get(id) as number),
      inner: figure.inner,
    })),
  );
}

let solver: FamilySolver | undefined;
afterEach(async () => {
  await solver?.close();
  solver = undefined;
});

describe('family solver', () => {
  it('solves days on worker threads with the answers of the main thread', async () => {
    solver = createFamilySolver({ threads: 2, inPlaceBelow: 0 });
    // A problem sent to a worker is handed over (its buffers move): the expected answers come first.
    const expected = Array.from({ length: 12 }, (_, n) => solveInPlace(randomProblem(n + 1, 4)));
    const problems = Array.from({ length: 12 }, (_, n) => randomProblem(n + 1, 4));
    const solved = await Promise.all(problems.map((problem) => solver!.solve(problem)));
    expect(solved).toEqual(expected);
    // Not vacuous: the days need secondary suppression, and not all the same.
    expect(solved.filter((result) => result.secondary.length > 0).length).toBeGreaterThan(3);
    expect(new Set(solved.map((result) => JSON.stringify(result.secondary))).size).toBeGreaterThan(3);
  });

  it('a worker`s error comes back with its code and message, and the worker goes on', async () => {
    solver = createFamilySolver({ threads: 1, inPlaceBelow: 0 });
    // A suppressed row with no inner cells: its value (0) is known, it cannot be protected.
    const broken = () => {
      const problem = randomProblem(5, 4);
      const lists = Array.from({ length: problem.rowIds.length }, (_, n) =>
        problem.rowInner.values.subarray(problem.rowInner.offsets[n], problem.rowInner.offsets[n + 1]),
      );
      return {
        ...problem,
        rowIds: [...problem.rowIds, 'cube:empty'],
        rowValues: Float64Array.from([...problem.rowValues, 0]),
        rowPublished: Uint8Array.from([...problem.rowPublished, 0]),
        rowInner: packLists([...lists, []]),
      };
    };
    let inPlace: unknown;
    try {
      solveInPlace(broken());
    } catch (error) {
      inPlace = error;
    }
    const fromWorker = await solver.solve(broken()).catch((error: unknown) => error);
    expect(fromWorker).toBeInstanceOf(PublisherError);
    expect((fromWorker as PublisherError).code).toBe('E_PRIVACY_CHECK');
    expect((fromWorker as PublisherError).message).toBe((inPlace as Error).message);
    const expected = solveInPlace(randomProblem(5, 4));
    await expect(solver.solve(randomProblem(5, 4))).resolves.toEqual(expected);
  });

  it('keeps small days on the main thread, and refuses work once closed', async () => {
    solver = createFamilySolver({ threads: 1 });
    const problem = randomProblem(3, 4);
    expect(problem.rowIds.length * problem.innerCells).toBeLessThan(200_000);
    const expected = solveInPlace(problem);
    await expect(solver.solve(problem)).resolves.toEqual(expected);
    // Solved in place: the problem was not handed to a worker, so its buffers are still here.
    expect(problem.rowValues.length).toBeGreaterThan(0);
    await solver.close();
    await expect(solver.solve(problem)).rejects.toThrow(/after close/);
  });
});

describe('family solver: memory', () => {
  /** Which of `needs` (entered in order) are admitted before anything leaves, given a budget. */
  async function admittedAtOnce(budget: number, needs: number[]): Promise<number[]> {
    const gate = memoryGate(budget);
    const admitted: number[] = [];
    needs.forEach((need, n) => void gate.enter(need).then(() => admitted.push(n)));
    await new Promise((resolve) => setImmediate(resolve));
    return admitted;
  }

  it('admits days together only while their estimates fit, in order, and a day over the budget alone', async () => {
    expect(await admittedAtOnce(100, [40, 50, 20])).toEqual([0, 1]);
    // In order: a small day does not overtake a large one that waits.
    expect(await admittedAtOnce(100, [60, 50, 10])).toEqual([0]);
    expect(await admittedAtOnce(100, [150, 10])).toEqual([0]);
    expect(await admittedAtOnce(Number.POSITIVE_INFINITY, [1e12, 1e12])).toEqual([0, 1]);
  });

  it('lets the next days in as each one leaves', async () => {
    const gate = memoryGate(100);
    const order: string[] = [];
    const enter = (name: string, need: number) => gate.enter(need).then(() => order.push(name));
    await enter('a', 70);
    const b = enter('b', 70);
    const c = enter('c', 20);
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['a']);
    gate.leave(70);
    await Promise.all([b, c]);
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('with a budget below any one day, solves every day (one at a time) with the same answers', async () => {
    const problems = Array.from({ length: 6 }, (_, n) => randomProblem(n + 20, 4));
    expect(Math.min(...problems.map(estimatedBytes))).toBeGreaterThan(1);
    const expected = problems.map((problem) => solveInPlace(randomProblem(problems.indexOf(problem) + 20, 4)));
    solver = createFamilySolver({ threads: 2, inPlaceBelow: 0, memoryBytes: 1 });
    await expect(Promise.all(problems.map((problem) => solver!.solve(problem)))).resolves.toEqual(expected);
    expect(solver.daysOverBudget).toBe(6);
  });
});
