// Parquet archive files for the audit's tests, written by DuckDB with the column types a test chooses:
// by default the contract's (`timestamp` as TIMESTAMP WITH TIME ZONE, text as VARCHAR, exit_code BIGINT,
// is_container BOOLEAN). The test helper in test/helpers/archive.ts lets DuckDB infer them instead.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DuckDBInstance, quotedIdentifier, quotedString } from '@duckdb/node-api';
import type { ArchiveEvent } from '../helpers/archive.js';

const CONTRACT_TYPES: Readonly<Record<string, string>> = {
  timestamp: 'TIMESTAMPTZ',
  machine_id: 'VARCHAR',
  event: 'VARCHAR',
  command: 'VARCHAR',
  exit_code: 'BIGINT',
  os_family: 'VARCHAR',
  os_version: 'VARCHAR',
  runtime_id: 'VARCHAR',
  sdk_version: 'VARCHAR',
  ip_prefix: 'VARCHAR',
  environment: 'VARCHAR',
  is_container: 'BOOLEAN',
  product: 'VARCHAR',
  product_version: 'VARCHAR',
};

/** Writes `events` to `path` as Parquet; `types` changes a column's DuckDB type (null leaves it out). */
export async function writeParquet(
  path: string,
  events: readonly ArchiveEvent[],
  types: Record<string, string | null> = {},
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const json = `${path}.json`;
  await writeFile(json, `${events.map((event) => JSON.stringify(event)).join('\n')}\n`);
  const columns = Object.entries({ ...CONTRACT_TYPES, ...types }).filter(
    (entry): entry is [string, string] => entry[1] !== null,
  );
  const select = columns.map(([column, type]) => {
    const nested = /^(STRUCT|MAP|JSON|LIST)|\[\]$/.test(type);
    return `CAST(json${nested ? '->' : '->>'}${quotedString(`$.${column}`)} AS ${type}) AS ${quotedIdentifier(column)}`;
  });
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(`SET TimeZone = 'UTC'`);
    await connection.run(
      `COPY (SELECT ${select.join(', ')} FROM read_ndjson_objects(${quotedString(json)})) TO ${quotedString(path)} (FORMAT parquet)`,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(json);
  }
}

/** Parquet with the contract's column types. */
export function writeZonedParquet(path: string, events: readonly ArchiveEvent[]): Promise<void> {
  return writeParquet(path, events);
}
