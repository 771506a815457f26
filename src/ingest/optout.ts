import { readFile } from 'node:fs/promises';
import { PublisherError } from '../core/errors.js';
import { appendRows, type Duck } from '../engine/duck.js';

/**
 * The opt-out list: one machine id a line; blank lines and lines starting with # are ignored. Opted-out
 * machines are removed from `events` before any dataset is built, so they contribute to nothing.
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
  return [
    ...new Set(
      text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith('#')),
    ),
  ];
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
