// A revision changes figures readers already have, so the difference itself is a release: every row
// whose published value changes (appears, disappears or moves) must change because of at least k
// machines, or subtracting the two releases would describe fewer than k machines. The quarter as first
// published (recomputed from its input manifest) and as it is now are compared row by row, machine by
// machine. All or nothing: a partial revision would mix label sets between days.
// The statements are in revise.sql.
import { quotedIdentifier as id, openDuck, quotedString, type SqlParams } from '../engine/duck.js';
import { sqlTemplates } from '../engine/sql.js';
import { datasetTables } from '../engine/tables.js';
import type { DatasetDefinition } from '../query/dataset.js';

const sql = sqlTemplates(import.meta.url, 'revise.sql');

export interface RevisionCheck {
  changedRows: number;
  changedDays: string[];
  /** Machines whose facts differ between the two builds: every difference is a function of their data. */
  lateMachines: number;
  /** Changed figures whose difference rests on fewer than k machines (rows, the suppressed total, the cap). */
  blocked: Array<{ row: string; machines: number }>;
}

export async function checkRevision(
  oldDatabase: string,
  newDatabase: string,
  dataset: DatasetDefinition,
  parameters: { k: number; cap: number },
): Promise<RevisionCheck> {
  const { k, cap } = parameters;
  const events = dataset.measure.count === 'events';
  // What a machine adds to a row's published value: its capped events, or its presence.
  const contribution = (column: string) => (events ? `least(${column}, $cap::BIGINT)` : `sign(${column})`);
  const params: SqlParams = events ? { cap } : {};
  const tables = datasetTables(dataset.name);
  const keys = [dataset.timeColumn, ...dataset.dimensions.map((dimension) => dimension.column)].map(id);
  const fills = {
    keys: keys.join(', '),
    coalesced_keys: keys.map((key) => `coalesce(o.${key}, n.${key}) AS ${key}`).join(', '),
    rows: id(tables.rows),
    assigned: id(tables.assigned),
  };
  const duck = await openDuck();
  try {
    await duck.run(
      sql('attach_builds', { old_database: quotedString(oldDatabase), new_database: quotedString(newDatabase) }),
    );
    const rows = await duck.all<{ row_key: string; day: string; machines: string }>(
      sql('changed_rows', {
        ...fills,
        keys_of_c: keys.map((key) => `c.${key}`).join(', '),
        time: keys[0]!,
        contribution_old_d: contribution('d.old_events'),
        contribution_new_d: contribution('d.new_events'),
      }),
      params,
    );
    const [release] = await duck.all<{ late: string; suppressed: string; capped: string }>(
      sql('changed_release_figures', {
        ...fills,
        facts: id(tables.facts),
        contribution_old: contribution('old_events'),
        contribution_new: contribution('new_events'),
      }),
      params,
    );
    const late = Number(release?.late ?? 0);
    const blocked = rows
      .filter((row) => Number(row.machines) < k)
      .map((row) => ({ row: row.row_key, machines: Number(row.machines) }));
    if (late > 0 && late < k) blocked.push({ row: 'the late events as a whole', machines: late });
    for (const [figure, machines] of [
      ['the suppressed total', Number(release?.suppressed ?? 0)],
      ['the events removed by the cap', Number(release?.capped ?? 0)],
    ] as const) {
      if (machines > 0 && machines < k) blocked.push({ row: figure, machines });
    }
    return {
      changedRows: rows.length,
      changedDays: [...new Set(rows.map((row) => row.day))].sort(),
      lateMachines: late,
      blocked,
    };
  } finally {
    duck.close();
  }
}
