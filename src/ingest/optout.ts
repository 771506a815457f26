import { readFile } from 'node:fs/promises';
import { PublisherError } from '../core/errors.js';
import { appendRows, type Duck } from '../engine/duck.js';

/**
 * The opt-out list: one machine id a line. Leading and trailing whitespace is ignored, `#` at the start
 * of a line or after whitespace starts a comment (`id  # why` is `id`; a `#` inside an id, as in `a#1`,
 * is part of it), and blank lines are skipped. A line left with whitespace inside is refused: machine
 * ids have none, and a line that silently matched nothing would leave a machine that opted out in the
 * data. Opted-out machines are removed from `events` before any dataset is built.
 */
export async function readOptOut(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new PublisherError(
      'E_CONFIG',
      `opt-out file ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? error}`,
      { cause: error },
    );
  }
  const ids = new Set<string>();
  for (const [index, line] of text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .entries()) {
    const id = line.replace(/(^|\s)#.*$/, '').trim();
    if (id === '') continue;
    if (/\s/.test(id)) {
      throw new PublisherError(
        'E_CONFIG',
        // The line itself is not quoted: it holds a machine id, which never goes to a log.
        `opt-out file ${path}, line ${index + 1}: whitespace inside the machine id; write one id a line (a comment starts with # after whitespace)`,
      );
    }
    ids.add(id);
  }
  return [...ids];
}

/** Deletes the events of opted-out machines; returns how many events were removed. */
export async function applyOptOut(duck: Duck, machineIds: readonly string[]): Promise<number> {
  // Temporary: the raw ids are never written to the database file.
  await duck.run('CREATE OR REPLACE TEMP TABLE opt_out (machine_id VARCHAR PRIMARY KEY)');
  await appendRows(
    duck,
    'opt_out',
    machineIds.map((machineId) => [machineId]),
  );
  // `events` holds machines by the hash of their id (see ingest.ts).
  const optedOut = 'SELECT hash(machine_id) FROM opt_out';
  const [row] = await duck.all<{ n: string }>(
    `SELECT count(*)::BIGINT AS n FROM events WHERE machine_id IN (${optedOut})`,
  );
  await duck.run(`DELETE FROM archive_rows WHERE reason IS NULL AND machine_id IN (${optedOut})`);
  return Number(row?.n ?? 0);
}
