// The family protection over one day (src/protect/family.ts): a differencing attack across tables
// that must fail, a value of exactly k machines that must stay published, a lone table left as it is,
// and random families re-checked by the independent elimination (disclosure-audit.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findDerivableCells } from '../../src/protect/exact/disclosure-audit.js';
import {
  type FamilyDay,
  type FamilyPair,
  type FamilyRow,
  familyFigures,
  protectFamilyDay,
} from '../../src/protect/family.js';

interface Event {
  machine: string;
  dims: readonly string[];
}

/** A table: which dimensions it keeps, and its remainder steps (dimension positions set to Other). */
interface Table {
  name: string;
  keep: readonly number[];
  remainder: ReadonlyArray<readonly number[]>;
}

/**
 * Builds each table as the job does (rows under k roll into remainder rows step by step; what is
 * still under k is suppressed) and returns the day: rows and the (machine, fact) pairs' rows.
 */
function buildDay(events: readonly Event[], tables: readonly Table[], k: number): FamilyDay {
  const rows: FamilyRow[] = [];
  const rowOfEvent: string[][] = events.map(() => []);
  for (const table of tables) {
    let keys = events.map((event) => table.keep.map((d) => event.dims[d] as string));
    const settled = new Map<number, string>();
    const machinesAt = (open: number[]) => {
      const machines = new Map<string, Set<string>>();
      for (const e of open) {
        const key = JSON.stringify(keys[e]);
        if (!machines.has(key)) machines.set(key, new Set());
        machines.get(key)!.add(events[e]!.machine);
      }
      return machines;
    };
    let open = events.map((_, e) => e);
    for (const step of [...table.remainder, null]) {
      const machines = machinesAt(open);
      const kept = new Set([...machines].filter(([, m]) => m.size >= k).map(([key]) => key));
      for (const e of open)
        if (kept.has(JSON.stringify(keys[e])) || step === null) settled.set(e, JSON.stringify(keys[e]));
      open = open.filter((e) => !settled.has(e));
      if (step === null) break;
      keys = keys.map((key, e) => (settled.has(e) ? key : key.map((v, i) => (step.includes(i) ? 'Other' : v))));
    }
    const values = new Map<string, { events: number; machines: Set<string> }>();
    events.forEach((event, e) => {
      const id = `${table.name}:${settled.get(e)}`;
      rowOfEvent[e]!.push(id);
      const row = values.get(id) ?? { events: 0, machines: new Set() };
      row.events++;
      row.machines.add(event.machine);
      values.set(id, row);
    });
    for (const [id, row] of values) rows.push({ id, value: row.events, published: row.machines.size >= k });
  }
  const pairs: FamilyPair[] = events.map((event, e) => ({ machine: event.machine, rows: rowOfEvent[e]! }));
  return { rows, pairs };
}

/** What a reader computes exactly from the published rows after protection. */
function derivable(day: FamilyDay, k: number, secondary: readonly string[]) {
  const withheld = new Set(secondary);
  const after = {
    ...day,
    rows: day.rows.map((row) => ({ ...row, published: row.published && !withheld.has(row.id) })),
  };
  const { published, protectedFigures } = familyFigures(after, k);
  return findDerivableCells(published, protectedFigures);
}

const machines = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const cube: Table = { name: 'cube', keep: [0, 1], remainder: [[0]] };
const sdk: Table = { name: 'sdk', keep: [0], remainder: [[0]] };

describe('protectFamilyDay', () => {
  it('a marginal that would reveal its value`s remainder events is protected: the attack finds nothing', () => {
    const k = 3;
    // SDK X: 3 machines on Linux (a cube row) and 2 on Windows, who fall into the cube's remainder row
    // (Other, Windows) with the one Windows machine of SDK W. Every row of both tables has k machines:
    // only the family's differencing is at stake.
    const events: Event[] = [
      ...machines('x-linux-', 3).map((machine) => ({ machine, dims: ['X', 'Linux'] })),
      ...machines('x-win-', 2).map((machine) => ({ machine, dims: ['X', 'Windows'] })),
      ...machines('w-win-', 1).map((machine) => ({ machine, dims: ['W', 'Windows'] })),
      ...machines('w-mac-', 3).map((machine) => ({ machine, dims: ['W', 'Darwin'] })),
    ];
    const day = buildDay(events, [cube, sdk], k);
    // Without the family protection: sdk:X - cube:X,Linux = the 2 machines' events in cube:Other,Windows.
    const unprotected = derivable(day, k, []);
    expect(unprotected.map((cell) => cell.id)).toContain('inner ["cube:[\\"Other\\",\\"Windows\\"]","sdk:[\\"X\\"]"]');
    expect(day.rows.every((row) => row.published)).toBe(true);
    const result = protectFamilyDay(day, k);
    expect(result.secondary.length).toBeGreaterThan(0);
    expect(derivable(day, k, result.secondary)).toEqual([]);
  });

  it('a value shared by exactly k machines, all of them in published cube rows, is published', () => {
    const k = 3;
    const events: Event[] = [
      ...machines('x-', 3).map((machine) => ({ machine, dims: ['X', 'Linux'] })),
      ...machines('y-', 4).map((machine) => ({ machine, dims: ['Y', 'Linux'] })),
    ];
    const day = buildDay(events, [cube, sdk], k);
    expect(day.rows.find((row) => row.id === 'sdk:["X"]')).toMatchObject({ published: true, value: 3 });
    expect(protectFamilyDay(day, k).secondary).toEqual([]);
  });

  it('a lone table (the cube without family) needs nothing more: its rows are disjoint', () => {
    fc.assert(
      fc.property(randomEvents(), fc.integer({ min: 2, max: 4 }), (events, k) => {
        const day = buildDay(events, [{ name: 'cube', keep: [0, 1, 2], remainder: [[2], [1, 2]] }], k);
        expect(protectFamilyDay(day, k).secondary).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('random families: no suppressed row and no intersection under k is derivable after protection', () => {
    const family: Table[] = [
      { name: 'cube', keep: [0, 1, 2], remainder: [[2], [1, 2], [0, 1, 2]] },
      { name: 'a', keep: [0], remainder: [[0]] },
      { name: 'bc', keep: [1, 2], remainder: [[2], [1, 2]] },
    ];
    let attacked = 0;
    fc.assert(
      fc.property(randomEvents(), fc.integer({ min: 2, max: 4 }), (events, k) => {
        const day = buildDay(events, family, k);
        if (derivable(day, k, []).length > 0) attacked++;
        const result = protectFamilyDay(day, k);
        expect(derivable(day, k, result.secondary)).toEqual([]);
      }),
      { numRuns: 150 },
    );
    // The property is not vacuous: many random days leak without the family protection.
    expect(attacked).toBeGreaterThan(10);
  });
});

function randomEvents(): fc.Arbitrary<Event[]> {
  const event = fc.record({
    machine: fc.integer({ min: 0, max: 14 }).map((n) => `m${n}`),
    dims: fc.tuple(fc.constantFrom('a1', 'a2', 'a3'), fc.constantFrom('b1', 'b2'), fc.constantFrom('c1', 'c2', 'c3')),
  });
  return fc.array(event, { minLength: 1, maxLength: 60 });
}
