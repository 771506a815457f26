// Archive events as the archive contract spells them, and day files in every format the job reads
// (NDJSON, gzip NDJSON, JSONL, Parquet), raw bad lines included.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance, quotedString } from '@duckdb/node-api';

/** An event as the archive contract spells it; tests build them with `event()`. */
export type ArchiveEvent = Record<string, unknown>;

let counter = 0;

/** A production command event with every field set; override what the test is about. */
export function event(overrides: ArchiveEvent = {}): ArchiveEvent {
  counter++;
  return {
    timestamp: '2026-07-01T12:00:00Z',
    machine_id: `m${counter}`,
    event: 'command',
    command: 'build',
    exit_code: 0,
    os_family: 'Linux',
    os_version: '22.04',
    runtime_id: 'linux-x64',
    sdk_version: '8.0.100',
    ip_prefix: '81.2.69',
    environment: 'production',
    is_container: false,
    cwd_hash: `cwd${counter}`,
    ...overrides,
  };
}

/** `count` events, one per machine `${prefix}0..count-1`, sharing the given fields. */
export function machines(count: number, prefix: string, overrides: ArchiveEvent = {}): ArchiveEvent[] {
  return Array.from({ length: count }, (_, index) => event({ machine_id: `${prefix}${index}`, ...overrides }));
}

export type FileFormat = 'ndjson' | 'ndjson.gz' | 'jsonl' | 'parquet';

/** Writes `<root>/date=<day>/<name>.<format>`; string entries are written as raw lines (bad lines). */
export async function writeDayFile(
  root: string,
  day: string,
  name: string,
  format: FileFormat,
  entries: ReadonlyArray<ArchiveEvent | string>,
): Promise<string> {
  const folder = join(root, `date=${day}`);
  await mkdir(folder, { recursive: true });
  const path = join(folder, `${name}.${format}`);
  const text = `${entries.map((entry) => (typeof entry === 'string' ? entry : JSON.stringify(entry))).join('\n')}\n`;
  if (format === 'parquet') {
    if (entries.some((entry) => typeof entry === 'string'))
      throw new Error('a Parquet file cannot hold a raw (bad) line');
    const ndjson = `${path}.tmp.ndjson`;
    await writeFile(ndjson, text);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await connection.run(
        // Text stays text: read_json would turn "…Z" into a zoneless TIMESTAMP, which the contract rejects.
        `COPY (SELECT * FROM read_json(${quotedString(ndjson)}, format = 'newline_delimited', timestampformat = 'text %Y', dateformat = 'text %Y')) TO ${quotedString(path)} (FORMAT parquet)`,
      );
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
    const { rm } = await import('node:fs/promises');
    await rm(ndjson);
  } else {
    await writeFile(path, format === 'ndjson.gz' ? gzipSync(text) : text);
  }
  return path;
}

/** A production eventstoredb snapshot of `machine` on `day` (metrics merged over a mid-size installation's). */
export function snapshot(
  machine: string,
  day: string,
  overrides: ArchiveEvent = {},
  metrics: Record<string, unknown> = {},
): ArchiveEvent {
  return event({
    machine_id: machine,
    event: 'snapshot',
    timestamp: `${day}T06:00:00Z`,
    command: undefined,
    sdk_version: undefined,
    runtime_id: undefined,
    os_version: undefined,
    product: 'eventstoredb',
    product_version: '23.10.0',
    os_family: 'Linux',
    metrics: {
      core_count: 8,
      total_memory: 16 * 2 ** 30,
      is_container: false,
      is_kubernetes: false,
      projections_running: 3,
      users: 1,
      ...metrics,
    },
    ...overrides,
  });
}
