// Solves the days of a family on worker threads while the main thread and DuckDB build the next week:
// days are independent problems (family.ts), and one day's elimination is pure JavaScript, so on a
// single thread it held a core while the other waited. The answer does not depend on where a day is
// solved (the elimination is deterministic); small problems stay on the main thread, where starting a
// worker would cost more than it saves.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { PublisherError } from '../core/errors.js';
import type { IntegerLists } from '../engine/columns.js';
import { type FamilyDayResult, type FamilyVector, protectFamilyFigures } from './family.js';

/** Lists of integers end to end, as DuckDB's columns are read (engine/columns.ts). */
export type PackedLists = IntegerLists;

export function packLists(lists: ReadonlyArray<ArrayLike<number>>): PackedLists {
  const offsets = new Int32Array(lists.length + 1);
  for (const [n, list] of lists.entries()) offsets[n + 1] = (offsets[n] as number) + list.length;
  const values = new Int32Array(offsets[lists.length] as number);
  for (const [n, list] of lists.entries()) values.set(list, offsets[n] as number);
  return { offsets, values };
}

function unpackList(lists: PackedLists, n: number): number[] {
  return Array.from(lists.values.subarray(lists.offsets[n] as number, lists.offsets[n + 1] as number));
}

/**
 * One day of a family as family-tables.ts reads it, packed: a day of a 10M quarter as objects is tens
 * of megabytes (a figure's name alone is two row ids), as typed arrays one or two, and a worker
 * receives them without a copy. Figures are named from their rows only when solved.
 */
export interface FamilyDayProblem {
  rowIds: string[];
  rowValues: Float64Array;
  rowPublished: Uint8Array;
  /** Each row's inner cells, sorted. */
  rowInner: PackedLists;
  /** Each figure under k: its kind (`inner`, `intersection`), the rows (positions) it intersects, its inner cells. */
  figureKinds: string[];
  figureRows: PackedLists;
  figureInner: PackedLists;
  innerCells: number;
}

/** A day's rows and figures (figure rows by position in `rows`) in the packed form. */
export function packDay(
  rows: ReadonlyArray<{ id: string; value: number; published: boolean; inner: ArrayLike<number> }>,
  figures: ReadonlyArray<{ kind: string; rows: ArrayLike<number>; inner: ArrayLike<number> }>,
): FamilyDayProblem {
  const rowInner = packLists(rows.map((row) => row.inner));
  return {
    rowIds: rows.map((row) => row.id),
    rowValues: Float64Array.from(rows, (row) => row.value),
    rowPublished: Uint8Array.from(rows, (row) => (row.published ? 1 : 0)),
    rowInner,
    figureKinds: figures.map((figure) => figure.kind),
    figureRows: packLists(figures.map((figure) => figure.rows)),
    figureInner: packLists(figures.map((figure) => figure.inner)),
    innerCells: innerCellsIn(rowInner),
  };
}

/** The inner cells a day's rows cover: one past the largest cell of any row (each row's cells sorted). */
export function innerCellsIn(rowInner: PackedLists): number {
  let most = 0;
  for (let row = 0; row + 1 < rowInner.offsets.length; row++) {
    const end = rowInner.offsets[row + 1] as number;
    if (end > (rowInner.offsets[row] as number)) most = Math.max(most, (rowInner.values[end - 1] as number) + 1);
  }
  return most;
}

/** The buffers a problem is made of, handed to a worker rather than copied. */
function buffersOf(problem: FamilyDayProblem): ArrayBuffer[] {
  const lists = [problem.rowInner, problem.figureRows, problem.figureInner];
  return [
    problem.rowValues.buffer as ArrayBuffer,
    problem.rowPublished.buffer as ArrayBuffer,
    ...lists.flatMap((list) => [list.offsets.buffer as ArrayBuffer, list.values.buffer as ArrayBuffer]),
  ];
}

/** What crosses from a worker: a day's result, or the error it threw (its code kept). */
type Reply = { ok: true; result: FamilyDayResult } | { ok: false; code: string; message: string };

/** A day with fewer (rows x inner cells) than this is solved in place: about a millisecond of work. */
export const IN_PLACE_BELOW = 200_000;

export function solveInPlace(problem: FamilyDayProblem): FamilyDayResult {
  const rows: FamilyVector[] = problem.rowIds.map((id, n) => ({
    id,
    value: problem.rowValues[n] as number,
    published: problem.rowPublished[n] === 1,
    inner: unpackList(problem.rowInner, n),
  }));
  // A figure is known by its position until a message names it (by the rows it intersects): twenty
  // thousand names a day, built and collected, cost more than reading the day.
  const figures = problem.figureKinds.map((_, n) => ({ id: `figure ${n}`, inner: unpackList(problem.figureInner, n) }));
  const nameOf = (id: string) => {
    const n = Number(id.slice('figure '.length));
    const rows = unpackList(problem.figureRows, n).map((row) => problem.rowIds[row]);
    return `${problem.figureKinds[n]} ${JSON.stringify(rows)}`;
  };
  return protectFamilyFigures(rows, figures, problem.innerCells, nameOf);
}

/**
 * What solving a day holds at its peak (its elimination, the re-check's echelon, their garbage), from
 * its rows' entries. Measured (peak RSS of a process solving one dumped day, minus the process before)
 * on the bench quarters' largest days: 2M 59 MiB for 83k entries, 10M 154 MiB for 321k, 50M 535 MiB for
 * 1.04M; the estimate is above each.
 */
export function estimatedBytes(problem: FamilyDayProblem): number {
  return 40 * 2 ** 20 + 540 * problem.rowInner.values.length;
}

/**
 * Admits work while what is admitted stays within `bytes`, in the order asked; a day larger than the
 * whole budget is admitted alone, when nothing else runs.
 */
export function memoryGate(bytes: number) {
  let held = 0;
  let alone = 0;
  const waiting: Array<{ bytes: number; admit: () => void }> = [];
  const admitWaiting = () => {
    while (waiting.length > 0) {
      const next = waiting[0]!;
      if (held > 0 && held + next.bytes > bytes) return;
      waiting.shift();
      held += next.bytes;
      if (next.bytes > bytes) alone += 1;
      next.admit();
    }
  };
  return {
    enter(need: number): Promise<void> {
      return new Promise((admit) => {
        waiting.push({ bytes: need, admit });
        admitWaiting();
      });
    },
    leave(need: number): void {
      held -= need;
      admitWaiting();
    },
    /** Days admitted though over the whole budget. */
    get overBudget(): number {
      return alone;
    },
  };
}

export interface FamilySolver {
  solve(problem: FamilyDayProblem): Promise<FamilyDayResult>;
  /** Days whose estimate alone was over `memoryBytes` (solved alone, yet over the budget). */
  readonly daysOverBudget: number;
  close(): Promise<void>;
}

/**
 * `threads` workers at most (default: the machine's cores), started when the first large day comes,
 * solving at once only the days whose estimated peaks (estimatedBytes) fit in `memoryBytes` together
 * (default: no bound): the workers are outside DuckDB's memory limit, and two of a 50M quarter's
 * largest days at once took the run from under 2 GiB to 3.4 GB. `inPlaceBelow` lets a test send every
 * day to a worker.
 */
export function createFamilySolver(
  options: { threads?: number; inPlaceBelow?: number; memoryBytes?: number } = {},
): FamilySolver {
  const size = Math.max(1, options.threads ?? availableParallelism());
  const inPlaceBelow = options.inPlaceBelow ?? IN_PLACE_BELOW;
  const gate = memoryGate(options.memoryBytes ?? Number.POSITIVE_INFINITY);
  const idle: Worker[] = [];
  const all: Worker[] = [];
  const waiting: Array<(worker: Worker) => void> = [];
  let closed = false;

  const acquire = (): Promise<Worker> => {
    const worker = idle.pop();
    if (worker) return Promise.resolve(worker);
    if (all.length < size) {
      const started = new Worker(new URL('./family-worker.mjs', import.meta.url));
      started.unref();
      all.push(started);
      return Promise.resolve(started);
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = (worker: Worker) => {
    const next = waiting.shift();
    if (next) next(worker);
    else idle.push(worker);
  };

  return {
    get daysOverBudget() {
      return gate.overBudget;
    },
    async solve(problem) {
      if (closed) throw new PublisherError('E_INTERNAL', 'family solver: solve after close');
      if (problem.rowIds.length * problem.innerCells < inPlaceBelow) return solveInPlace(problem);
      const need = estimatedBytes(problem);
      await gate.enter(need);
      try {
        return await solveOnWorker(problem);
      } finally {
        gate.leave(need);
      }
    },
    async close() {
      closed = true;
      await Promise.all(all.map((worker) => worker.terminate()));
      all.length = 0;
      idle.length = 0;
    },
  };

  async function solveOnWorker(problem: FamilyDayProblem): Promise<FamilyDayResult> {
    const worker = await acquire();
    const reply = await new Promise<Reply>((resolve, reject) => {
      const onError = (error: Error) => {
        worker.off('message', onMessage);
        reject(new PublisherError('E_INTERNAL', `family solver: a worker failed: ${error.message}`));
      };
      const onMessage = (message: Reply) => {
        worker.off('error', onError);
        resolve(message);
      };
      worker.once('message', onMessage);
      worker.once('error', onError);
      worker.postMessage(problem, buffersOf(problem));
    }).catch((error: unknown) => {
      // A worker that died is not handed out again.
      all.splice(all.indexOf(worker), 1);
      void worker.terminate();
      throw error;
    });
    release(worker);
    if (!reply.ok) throw new PublisherError(reply.code as PublisherError['code'], reply.message);
    return reply.result;
  }
}
