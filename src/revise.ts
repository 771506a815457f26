import { quotedIdentifier as id, quotedString, openDuck } from './duck.js';
import type { DatasetDefinition } from './dataset.js';
import { tablePrefix } from './privacy/protect.js';
import { cellTables } from './privacy/cells.js';

/**
 * A revision changes figures readers already have, so the difference itself is a release: every row
 * whose published value changes (appears, disappears or moves) must change because of at least k
 * machines, or subtracting the two releases would describe fewer than k machines. The quarter as first
 * published (recomputed from its input manifest) and as it is now are compared row by row, machine by
 * machine. All or nothing: a partial revision would mix label sets between days.
 */
export interface RevisionCheck {
  changedRows: number;
  changedDays: string[];
  /** Changed rows whose difference rests on fewer than k machines. */
  blocked: Array<{ row: string; machines: number }>;
}

export async function checkRevision(
  oldDatabase: string,
  newDatabase: string,
  dataset: DatasetDefinition,
  parameters: { k: number; cap: number },
): Promise<RevisionCheck> {
  const { k, cap } = parameters;
  // What a machine adds to a row's published value: its capped events, or its presence.
  const contribution = (events: string) => (dataset.measure.count === 'events' ? `least(${events}, ${cap})` : `sign(${events})`);
  const tables = cellTables(tablePrefix(dataset));
  const keys = [dataset.timeColumn, ...dataset.dimensions.map((dimension) => dimension.column)].map(id);
  const duck = await openDuck();
  try {
    await duck.run(`ATTACH ${quotedString(oldDatabase)} AS old (READ_ONLY); ATTACH ${quotedString(newDatabase)} AS new (READ_ONLY);`);
    const published = (db: string) => `SELECT ${keys.join(', ')}, _value FROM ${db}.${tables.rows} WHERE _published`;
    const rows = await duck.all<{ row_key: string; day: string; machines: string }>(`
      WITH changed AS (
        SELECT ${keys.join(', ')} FROM (
          (${published('old')} EXCEPT ${published('new')}) UNION (${published('new')} EXCEPT ${published('old')})
        ) GROUP BY ALL
      ), contributions AS (
        SELECT coalesce(o.machine_id, n.machine_id) AS machine_id, ${keys.map((key) => `coalesce(o.${key}, n.${key}) AS ${key}`).join(', ')},
               coalesce(o._events, 0) AS old_events, coalesce(n._events, 0) AS new_events
        FROM old.${tables.assigned} o FULL JOIN new.${tables.assigned} n USING (machine_id, ${keys.join(', ')})
      )
      SELECT json_array(${keys.map((key) => `c.${key}`).join(', ')})::VARCHAR AS row_key, c.${keys[0]}::VARCHAR AS day,
             count(DISTINCT d.machine_id) FILTER (WHERE ${contribution('d.old_events')} <> ${contribution('d.new_events')})::BIGINT AS machines
      FROM changed c LEFT JOIN contributions d USING (${keys.join(', ')})
      GROUP BY ALL ORDER BY row_key`);
    return {
      changedRows: rows.length,
      changedDays: [...new Set(rows.map((row) => row.day))].sort(),
      blocked: rows.filter((row) => Number(row.machines) < k).map((row) => ({ row: row.row_key, machines: Number(row.machines) })),
    };
  } finally {
    duck.close();
  }
}
