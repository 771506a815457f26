// A second, independent implementation of the publishing rules, in plain TypeScript over plain values,
// for the audit. It shares no code with src/protect (which works in SQL): if either drifts from the
// documented rules, the audit and the publisher disagree and the audit says where.
//
// Rules (README "What is published and why it is safe"):
// 1. Per dimension, a raw value keeps its label when >= k distinct machines used it over the quarter
//    (within its scope); otherwise it climbs its ladder, groups of climbing values judged again at each
//    level; the last level is "Other".
// 2. Per batch (day), facts are grouped by their labels; rows under k roll into remainder rows, one
//    remainder step at a time (the step's dimensions become "Other", merging with any row of that key).
//    A dataset that rolls "one at a time" gets its steps from the data: for each listed dimension, the
//    value of the rows under k (every day, labels as published) that rolling that dimension alone would
//    publish (alone with k machines among the rolled rows, or by meeting a row of k); dimensions roll in
//    decreasing order of it, ties by column name; step n rolls the first n.
// 3. Rows still under k are suppressed. A row's value is the sum over its machines of min(events, cap)
//    (counting events) or its number of machines (counting machines).
// 0. Before all of that, counting events with a daily bound D: a machine whose facts of one time hold
//    T > D events has each fact's events scaled to floor(events * D / T).

/** One machine's events in one cell of raw values at one time. */
export interface AuditFact {
  time: string;
  /** Raw (cleaned) value per dimension, in dataset order. */
  values: string[];
  /** Raw ladder outputs per dimension (levels 1..n, before "Other"; '' where a level yields nothing). */
  ladders: string[][];
  /** Scope key per dimension (its scope columns' values joined by U+001E; never contains U+001F). */
  scopes: string[];
  machine: string;
  events: number;
}

export interface AuditRules {
  k: number;
  cap: number;
  /** Events one machine may add to the dataset at one time (day); null when unbounded. */
  dailyCap: number | null;
  count: 'events' | 'machines';
  /** Per remainder step, the dimension indexes that become "Other". */
  remainder: number[][];
  /** Instead of `remainder`: the dimensions (index and column name) rolled one at a time, order from the data. */
  oneAtATime?: Array<{ index: number; name: string }>;
}

export interface AuditRow {
  time: string;
  labels: string[];
  value: number;
  machines: Map<string, number>;
  published: boolean;
  /** The facts counted in this row (after the daily bound): where each fact ended, for the family check. */
  facts: AuditFact[];
}

const OTHER = 'Other';
const SEP = '\u001f';

export function recompute(rawFacts: readonly AuditFact[], dimensions: number, rules: AuditRules): AuditRow[] {
  const facts = rules.count === 'events' && rules.dailyCap !== null ? boundDaily(rawFacts, rules.dailyCap) : rawFacts;
  const labelOf = chooseLabels(facts, dimensions, rules.k);
  const batches = new Map<string, AuditFact[]>();
  for (const fact of facts) batches.set(fact.time, [...(batches.get(fact.time) ?? []), fact]);
  const sortedBatches = [...batches].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const labelsOf = (fact: AuditFact) =>
    fact.values.map((_, d) => labelOf[d]!.get(fact.scopes[d] + SEP + fact.values[d])!);
  const fullDetail = (batch: readonly AuditFact[]) => {
    const cells = new Map<string, Map<string, number>>();
    for (const fact of batch) add(cells, labelsOf(fact), new Map([[fact.machine, fact.events]]));
    return cells;
  };
  const steps = rules.oneAtATime
    ? remainderOrderOf(
        sortedBatches.map(([, batch]) => fullDetail(batch)),
        rules,
      ).map((_, step, order) => order.slice(0, step + 1))
    : rules.remainder;
  const rows: AuditRow[] = [];
  for (const [time, batch] of sortedBatches) {
    let cells = fullDetail(batch);
    let factsOf = new Map<string, AuditFact[]>();
    for (const fact of batch) {
      const key = labelsOf(fact).join(SEP);
      factsOf.set(key, [...(factsOf.get(key) ?? []), fact]);
    }
    for (const step of steps) {
      const next = new Map<string, Map<string, number>>();
      const nextFacts = new Map<string, AuditFact[]>();
      for (const [key, machines] of cells) {
        const labels = key.split(SEP);
        const to = machines.size < rules.k ? labels.map((label, d) => (step.includes(d) ? OTHER : label)) : labels;
        add(next, to, machines);
        const toKey = to.join(SEP);
        nextFacts.set(toKey, [...(nextFacts.get(toKey) ?? []), ...factsOf.get(key)!]);
      }
      cells = next;
      factsOf = nextFacts;
    }
    for (const [key, machines] of cells) {
      const value =
        rules.count === 'events'
          ? [...machines.values()].reduce((sum, events) => sum + Math.min(events, rules.cap), 0)
          : machines.size;
      rows.push({
        time,
        labels: key.split(SEP),
        value,
        machines,
        published: machines.size >= rules.k,
        facts: factsOf.get(key)!,
      });
    }
  }
  return rows;
}

function add(target: Map<string, Map<string, number>>, labels: readonly string[], machines: Map<string, number>): void {
  const key = labels.join(SEP);
  const row = target.get(key) ?? new Map<string, number>();
  for (const [machine, events] of machines) row.set(machine, (row.get(machine) ?? 0) + events);
  target.set(key, row);
}

/** Rule 2's order: the listed dimension indexes, the one whose rolling alone publishes most first. */
function remainderOrderOf(days: ReadonlyArray<Map<string, Map<string, number>>>, rules: AuditRules): number[] {
  const rowValue = (machines: Map<string, number>) =>
    rules.count === 'events'
      ? [...machines.values()].reduce((sum, events) => sum + Math.min(events, rules.cap), 0)
      : machines.size;
  const kept = (rules.oneAtATime ?? []).map(({ index, name }) => {
    let total = 0;
    for (const cells of days) {
      const rolledKey = (key: string) =>
        key
          .split(SEP)
          .map((label, d) => (d === index ? OTHER : label))
          .join(SEP);
      const gathered = new Map<string, Set<string>>();
      for (const [key, machines] of cells) {
        if (machines.size >= rules.k) continue;
        const rolled = gathered.get(rolledKey(key)) ?? new Set<string>();
        for (const machine of machines.keys()) rolled.add(machine);
        gathered.set(rolledKey(key), rolled);
      }
      for (const [key, machines] of cells) {
        if (machines.size >= rules.k) continue;
        const target = rolledKey(key);
        const keptRow = (cells.get(target)?.size ?? 0) >= rules.k;
        if (keptRow || gathered.get(target)!.size >= rules.k) total += rowValue(machines);
      }
    }
    return { index, name, total };
  });
  kept.sort((a, b) => b.total - a.total || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return kept.map((entry) => entry.index);
}

/** Per dimension: `${scope}${SEP}${value}` -> published label. */
function chooseLabels(facts: readonly AuditFact[], dimensions: number, k: number): Array<Map<string, string>> {
  const result: Array<Map<string, string>> = [];
  for (let d = 0; d < dimensions; d++) {
    const machinesOf = new Map<string, Set<string>>();
    const laddersOf = new Map<string, string[]>();
    for (const fact of facts) {
      const key = fact.scopes[d] + SEP + fact.values[d];
      (machinesOf.get(key) ?? machinesOf.set(key, new Set()).get(key)!).add(fact.machine);
      if (!laddersOf.has(key)) {
        // A level that yields nothing defers to the next one; "Other" ends every ladder.
        const ladder = [...fact.ladders[d]!, OTHER];
        for (let level = ladder.length - 2; level >= 0; level--) if (!ladder[level]) ladder[level] = ladder[level + 1]!;
        laddersOf.set(key, ladder);
      }
    }
    const rawValueOf = (key: string): string => key.slice(key.indexOf(SEP) + 1);
    const labels = new Map<string, string>();
    for (const [key, machines] of machinesOf) if (machines.size >= k) labels.set(key, rawValueOf(key));
    const levels = laddersOf.values().next().value?.length ?? 1;
    for (let level = 0; level < levels; level++) {
      const groups = new Map<string, { label: string; keys: string[]; machines: Set<string> }>();
      for (const [key, machines] of machinesOf) {
        if (labels.has(key)) continue;
        const label = laddersOf.get(key)![level]!;
        const group = key.slice(0, key.indexOf(SEP)) + SEP + label;
        const entry = groups.get(group) ?? { label, keys: [], machines: new Set<string>() };
        entry.keys.push(key);
        for (const machine of machines) entry.machines.add(machine);
        groups.set(group, entry);
      }
      const top = level === levels - 1;
      for (const entry of groups.values()) {
        if (!top && entry.machines.size < k) continue;
        for (const key of entry.keys) labels.set(key, entry.label);
      }
    }
    result.push(labels);
  }
  return result;
}

/** Rule 0: each machine's facts of one time scaled down to at most `dailyCap` events together. */
function boundDaily(facts: readonly AuditFact[], dailyCap: number): AuditFact[] {
  const totals = new Map<string, number>();
  const keyOf = (fact: AuditFact) => fact.time + SEP + fact.machine;
  for (const fact of facts) totals.set(keyOf(fact), (totals.get(keyOf(fact)) ?? 0) + fact.events);
  return facts.map((fact) => {
    const total = totals.get(keyOf(fact))!;
    return total > dailyCap ? { ...fact, events: Math.floor((fact.events * dailyCap) / total) } : fact;
  });
}
