import { quotedIdentifier as id, openDuck, quotedString } from '../engine/duck.js';
import { datasetTables } from '../engine/tables.js';
import type { DatasetDefinition } from '../query/dataset.js';

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
  // What a machine adds to a row's published value: its capped events, or its presence.
  const contribution = (events: string) =>
    dataset.measure.count === 'events' ? `least(${events}, ${cap})` : `sign(${events})`;
  const tables = datasetTables(dataset.name);
  const keys = [dataset.timeColumn, ...dataset.dimensions.map((dimension) => dimension.column)].map(id);
  const duck = await openDuck();
  try {
    await duck.run(
      `ATTACH ${quotedString(oldDatabase)} AS old (READ_ONLY); ATTACH ${quotedString(newDatabase)} AS new (READ_ONLY);`,
    );
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
    // Whole-release figures: the report publishes the suppressed total and the events the cap removed,
    // and a row can change only because labels moved; each is a difference too.
    const facts = tables.facts;
    const [release] = await duck.all<{ late: string; suppressed: string; capped: string }>(`
      WITH old_facts AS (SELECT machine_id, ${keys.join(', ')}, sum(_events) AS e FROM old.${facts} GROUP BY ALL),
      new_facts AS (SELECT machine_id, ${keys.join(', ')}, sum(_events) AS e FROM new.${facts} GROUP BY ALL),
      unpublished AS (
        SELECT ${keys.join(', ')} FROM old.${tables.rows} WHERE NOT _published
        UNION SELECT ${keys.join(', ')} FROM new.${tables.rows} WHERE NOT _published
      ), contributions AS (
        SELECT coalesce(o.machine_id, n.machine_id) AS machine_id, ${keys.map((key) => `coalesce(o.${key}, n.${key}) AS ${key}`).join(', ')},
               coalesce(o._events, 0) AS old_events, coalesce(n._events, 0) AS new_events
        FROM old.${tables.assigned} o FULL JOIN new.${tables.assigned} n USING (machine_id, ${keys.join(', ')})
      )
      SELECT
        (SELECT count(DISTINCT coalesce(o.machine_id, n.machine_id)) FROM old_facts o FULL JOIN new_facts n USING (machine_id, ${keys.join(', ')})
          WHERE o.e IS DISTINCT FROM n.e)::BIGINT AS late,
        (SELECT count(DISTINCT machine_id) FROM contributions SEMI JOIN unpublished USING (${keys.join(', ')})
          WHERE ${contribution('old_events')} <> ${contribution('new_events')})::BIGINT AS suppressed,
        (SELECT count(DISTINCT machine_id) FROM contributions
          WHERE old_events - ${contribution('old_events')} <> new_events - ${contribution('new_events')})::BIGINT AS capped`);
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
