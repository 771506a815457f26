// The run's DuckDB: one connection, statements with bound named parameters, rows read as JSON values.
// Every statement can be traced (TP_TRACE_SQL) and recorded (`recordStatements`, what engine.sql is made of).
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBPreparedStatement,
  type DuckDBType,
  type DuckDBValue,
  LIST,
  listValue,
  quotedIdentifier,
  quotedString,
  VARCHAR,
} from '@duckdb/node-api';

import { type Columns, columnsOf } from './columns.js';

export { quotedIdentifier, quotedString };

/**
 * Named parameters (`$k` in the SQL is `{ k: 10 }`); each statement of a script gets the ones it names, and
 * every one given must be named by some statement. A JS integer binds as INTEGER, a bigint as HUGEINT, an
 * array of strings as VARCHAR[]: the SQL casts where the type matters (`$cap::BIGINT`).
 */
export type SqlParams = Record<string, DuckDBValue | readonly string[]>;

/** A statement (or script) as it ran, with the parameters it was given. */
export interface RecordedStatement {
  sql: string;
  params?: SqlParams;
}

export interface DuckSettings {
  /** DuckDB memory_limit, e.g. "4GB". The exact cube spills badly under 1 GB on a 50M-event quarter. */
  memoryLimit?: string;
  threads?: number;
  /** Where DuckDB spills; also holds the run's working database file. */
  tempDirectory?: string;
}

export interface Duck {
  connection: DuckDBConnection;
  /** Run statements that return nothing; `params` binds `$name` parameters in any of them. */
  run(sql: string, params?: SqlParams): Promise<void>;
  /** Rows as plain JSON values (BIGINT and DATE stay exact as strings). */
  all<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T[]>;
  /** The last statement's result by columns (columns.ts): for large results of integers and integer lists. */
  columns(sql: string, params?: SqlParams): Promise<Columns>;
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
    run: (sql, params) => {
      record(sql, params);
      return params === undefined
        ? traced(sql, () => connection.run(sql).then(() => undefined))
        : runScript(connection, sql, params, (prepared) => prepared.run()).then(() => undefined);
    },
    all: async <T>(sql: string, params?: SqlParams) => {
      record(sql, params);
      if (params === undefined)
        return traced(sql, async () => (await connection.runAndReadAll(sql)).getRowObjectsJson() as T[]);
      const last = await runScript(connection, sql, params, (prepared) => prepared.runAndReadAll());
      return (last?.getRowObjectsJson() ?? []) as T[];
    },
    columns: async (sql, params) => {
      record(sql, params);
      const last =
        params === undefined
          ? await traced(sql, () => connection.run(sql))
          : await runScript(connection, sql, params, (prepared) => prepared.run());
      if (last === undefined) throw new Error('columns: the script ran no statement');
      return columnsOf(last);
    },
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

/**
 * A script of one or more statements, each bound to the parameters it names (DuckDB binds parameters
 * only on a single prepared statement). Returns the last statement's rows.
 */
async function runScript<R>(
  connection: DuckDBConnection,
  sql: string,
  params: SqlParams,
  execute: (prepared: DuckDBPreparedStatement) => Promise<R>,
): Promise<R | undefined> {
  const statements = await connection.extractStatements(sql);
  let last: R | undefined;
  const named = new Set<string>();
  for (let index = 0; index < statements.count; index++) {
    const prepared = await statements.prepare(index);
    const names = Array.from({ length: prepared.parameterCount }, (_, position) =>
      prepared.parameterName(position + 1),
    );
    const missing = names.filter((name) => !(name in params));
    if (missing.length) throw new Error(`SQL parameter(s) ${missing.map((name) => `$${name}`).join(', ')} not given`);
    for (const name of names) named.add(name);
    if (names.length) {
      const values: Record<string, DuckDBValue> = {};
      const types: Record<string, DuckDBType> = {};
      for (const name of names) {
        const value = params[name]!;
        if (Array.isArray(value)) {
          values[name] = listValue(value);
          types[name] = LIST(VARCHAR);
        } else values[name] = value as DuckDBValue;
      }
      prepared.bind(values, types);
    }
    last = await traced(sql, () => execute(prepared), index, params);
  }
  // A parameter no statement names is a template that lost a `$name`: a value silently not applied.
  const unused = Object.keys(params).filter((name) => !named.has(name));
  if (unused.length)
    throw new Error(`SQL parameter(s) ${unused.map((name) => `$${name}`).join(', ')} given but not used`);
  return last;
}

const recorders = new AsyncLocalStorage<RecordedStatement[]>();

function record(sql: string, params: SqlParams | undefined): void {
  recorders.getStore()?.push(params === undefined ? { sql } : { sql, params });
}

/** Runs `work` and returns, besides its result, every statement it ran through a Duck, in order. */
export async function recordStatements<T>(
  work: () => Promise<T>,
): Promise<{ result: T; statements: RecordedStatement[] }> {
  const statements: RecordedStatement[] = [];
  const result = await recorders.run(statements, work);
  return { result, statements };
}

/**
 * TP_TRACE_SQL=1 prints every statement, whole, with its duration and parameters on stderr: where a slow
 * run spends its time, and the SQL it really ran.
 */
async function traced<T>(sql: string, run: () => Promise<T>, statement?: number, params?: SqlParams): Promise<T> {
  if (!process.env.TP_TRACE_SQL) return run();
  const started = performance.now();
  try {
    return await run();
  } finally {
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const which = statement === undefined ? '' : ` statement ${statement + 1}`;
    const bound =
      params === undefined
        ? ''
        : ` params ${JSON.stringify(params, (_key, value) => (typeof value === 'bigint' ? value.toString() : value))}`;
    process.stderr.write(`-- SQL ${seconds}s ${new Date().toISOString()}${which}${bound}\n${sql.trim()}\n`);
  }
}

const sqlFiles = new Map<string, string>();

/**
 * The text of a `.sql` file beside the code that runs it: `sqlFile(import.meta.url, 'labels.sql')`.
 * Read once per process.
 */
export function sqlFile(moduleUrl: string, name: string): string {
  const path = fileURLToPath(new URL(name, moduleUrl));
  let text = sqlFiles.get(path);
  if (text === undefined) {
    text = readFileSync(path, 'utf8');
    sqlFiles.set(path, text);
  }
  return text;
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
