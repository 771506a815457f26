import { mkdir } from 'node:fs/promises';
import { type DuckDBConnection, DuckDBInstance, quotedIdentifier, quotedString } from '@duckdb/node-api';

export { quotedIdentifier, quotedString };

export interface DuckSettings {
  /** DuckDB memory_limit, e.g. "4GB". The exact cube spills badly under 1 GB on a 50M-event quarter. */
  memoryLimit?: string;
  threads?: number;
  /** Where DuckDB spills; also holds the run's working database file. */
  tempDirectory?: string;
}

export interface Duck {
  connection: DuckDBConnection;
  /** Run statements that return nothing. */
  run(sql: string): Promise<void>;
  /** Rows as plain JSON values (BIGINT and DATE stay exact as strings). */
  all<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  close(): void;
}

/**
 * Opens DuckDB for one run. With a temp directory the working tables live in a database file there, so a
 * quarter larger than memory spills to disk instead of failing.
 */
export async function openDuck(settings: DuckSettings = {}, databaseFile = ':memory:'): Promise<Duck> {
  if (settings.tempDirectory) await mkdir(settings.tempDirectory, { recursive: true });
  const instance = await DuckDBInstance.create(databaseFile);
  const connection = await instance.connect();
  const duck: Duck = {
    connection,
    run: (sql) => traced(sql, () => connection.run(sql).then(() => undefined)),
    all: <T>(sql: string) => traced(sql, async () => (await connection.runAndReadAll(sql)).getRowObjectsJson() as T[]),
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
  try {
    await duck.run(`SET TimeZone = 'UTC'`);
    if (settings.memoryLimit) await duck.run(`SET memory_limit = ${quotedString(settings.memoryLimit)}`);
    if (settings.threads) await duck.run(`SET threads = ${Number(settings.threads)}`);
    if (settings.tempDirectory) await duck.run(`SET temp_directory = ${quotedString(settings.tempDirectory)}`);
    // No result depends on the order rows were inserted in (every output is sorted), and keeping that
    // order costs parallelism on every large insert (measured: ingest 14.5 s -> 10 s on 10M events).
    await duck.run(`SET preserve_insertion_order = false`);
  } catch (error) {
    duck.close();
    throw error;
  }
  return duck;
}

/** TP_TRACE_SQL=1 prints every statement's duration on stderr: where a slow run spends its time. */
async function traced<T>(sql: string, run: () => Promise<T>): Promise<T> {
  if (!process.env.TP_TRACE_SQL) return run();
  const started = performance.now();
  try {
    return await run();
  } finally {
    process.stderr.write(
      `SQL ${((performance.now() - started) / 1000).toFixed(2)}s ${new Date().toISOString()} ${sql.replace(/\s+/g, ' ').trim().slice(0, 160)}\n`,
    );
  }
}

/** Appends text rows to a table with DuckDB's appender (fast, and no value is ever spliced into SQL). */
export async function appendRows(
  duck: Duck,
  table: string,
  rows: Iterable<readonly string[]>,
  schema?: string,
  catalog?: string,
): Promise<void> {
  const appender = await duck.connection.createAppender(table, schema, catalog);
  try {
    for (const row of rows) {
      for (const value of row) appender.appendVarchar(value);
      appender.endRow();
    }
  } finally {
    appender.closeSync();
  }
}

export function sqlList(values: readonly string[]): string {
  return values.length === 0 ? '[]' : `[${values.map(quotedString).join(', ')}]`;
}
