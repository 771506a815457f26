// Tables through the exchange: a DuckDB table (or query) written as Parquet in a step's export folder,
// put in the staging area with its sha256, then downloaded, verified and loaded by a later step. Parquet
// has no 128-bit integer (DuckDB writes a HUGEINT as a DOUBLE, losing the low digits of a row key), so
// such columns travel as text and every file's DuckDB column types travel in its manifest: a loaded
// table has exactly the types it was written with.
import { join } from 'node:path';
import { listValue } from '@duckdb/node-api';
import { PublisherError } from '../core/errors.js';
import { fileDigest } from '../core/hash.js';
import { type Duck, quotedIdentifier as id, quotedString } from '../engine/duck.js';
import type { Store } from '../publish/store/index.js';
import { type ExchangeFile, type ExchangeKind, PARQUET_OPTIONS } from './exchange.js';

/** A file written to the export folder, before it is put: what its manifest entry will say but the digest. */
export type ExportedFile = Omit<ExchangeFile, 'bytes' | 'sha256'>;

/** A verified exchange file, downloaded into the step's work folder. */
export interface LocalFile extends ExchangeFile {
  path: string;
}

/** Types Parquet cannot hold exactly: written as text, cast back when loaded. */
const AS_TEXT = new Set(['HUGEINT', 'UHUGEINT']);

/**
 * Writes `select` (a query, or a table's name) as `exportDir/name`; when `typed`, with its column types
 * for `importTable`, and 128-bit integers as text.
 */
export async function exportTable(
  duck: Duck,
  exportDir: string,
  name: string,
  kind: ExchangeKind,
  select: string,
  extra: { dataset?: string; table?: string; typed?: boolean } = {},
): Promise<ExportedFile> {
  const path = join(exportDir, name);
  const query = /^\s*SELECT\b/i.test(select) ? select : `SELECT * FROM ${id(select)}`;
  const described = extra.typed
    ? await duck.all<{ column_name: string; column_type: string }>(`DESCRIBE ${query}`)
    : [];
  const columns = described.map((column) => [column.column_name, column.column_type] as [string, string]);
  const text = columns.filter(([, type]) => AS_TEXT.has(type)).map(([column]) => column);
  const written =
    text.length === 0
      ? query
      : `SELECT * REPLACE (${text.map((column) => `${id(column)}::VARCHAR AS ${id(column)}`).join(', ')}) FROM (${query})`;
  await duck.run(`COPY (${written}) TO ${quotedString(path)} (FORMAT parquet)`);
  const [row] = await duck.all<{ rows: string }>(
    `SELECT coalesce(sum(num_rows), 0)::BIGINT AS rows FROM parquet_file_metadata(${quotedString(path)})`,
  );
  return {
    name,
    kind,
    ...(extra.dataset ? { dataset: extra.dataset } : {}),
    ...(extra.table ? { table: extra.table } : {}),
    ...(extra.typed ? { columns } : {}),
    rows: Number(row?.rows ?? 0),
  };
}

/** Puts the exported files under `prefix`; returns their manifest entries with size and sha256. */
export async function putExported(
  store: Store,
  prefix: string,
  exportDir: string,
  files: readonly ExportedFile[],
): Promise<ExchangeFile[]> {
  const described: ExchangeFile[] = [];
  for (const file of files) {
    const path = join(exportDir, file.name);
    const digest = await fileDigest(path);
    await store.putFile(`${prefix}${file.name}`, path, PARQUET_OPTIONS);
    described.push({ ...file, ...digest });
  }
  return described;
}

/**
 * Downloads a manifest's files from `prefix` into `dir`, each checked against its size and sha256; a
 * missing or corrupt file fails naming `owner` and what to rerun.
 */
export async function downloadVerified(
  store: Store,
  prefix: string,
  files: readonly ExchangeFile[],
  dir: string,
  owner: string,
  rerun: string,
): Promise<LocalFile[]> {
  const local: LocalFile[] = [];
  for (const file of files) {
    const objectKey = `${prefix}${file.name}`;
    const path = join(dir, file.name);
    if (!(await store.head(objectKey))) {
      throw new PublisherError('E_ARCHIVE', `${owner}'s file ${store.describe(objectKey)} is missing: ${rerun}`);
    }
    await store.download(objectKey, path);
    const digest = await fileDigest(path);
    if (digest.sha256 !== file.sha256 || digest.bytes !== file.bytes) {
      throw new PublisherError(
        'E_ARCHIVE',
        `${owner}'s file ${store.describe(objectKey)} is corrupt (${digest.bytes} bytes, sha256 ${digest.sha256}; its manifest says ${file.bytes} bytes, sha256 ${file.sha256}): ${rerun}`,
      );
    }
    local.push({ ...file, path });
  }
  return local;
}

/** Refuses a file whose Parquet row count is not its manifest's (a file cut short after its digest was taken). */
export async function checkRowCounts(duck: Duck, files: readonly LocalFile[]): Promise<void> {
  for (const file of files) {
    const [row] = await duck.all<{ rows: string }>(
      `SELECT coalesce(sum(num_rows), 0)::BIGINT AS rows FROM parquet_file_metadata($path)`,
      { path: file.path },
    );
    if (Number(row?.rows ?? -1) !== file.rows) {
      throw new PublisherError(
        'E_ARCHIVE',
        `exchange file ${file.path} holds ${row?.rows} rows, its manifest says ${file.rows}: rerun the step that wrote it`,
      );
    }
  }
}

/**
 * Loads typed exchange files into `table`: created with the types the manifest records (unless
 * `into` an existing table), rows appended in file order, text columns cast back.
 */
export async function importTable(duck: Duck, table: string, files: readonly LocalFile[], into = false): Promise<void> {
  const columns = files[0]?.columns;
  if (!columns) throw new PublisherError('E_INTERNAL', `no typed exchange file for table ${table}`);
  await checkRowCounts(duck, files);
  if (!into) {
    await duck.run(
      `CREATE OR REPLACE TEMP TABLE ${id(table)} (${columns.map(([column, type]) => `${id(column)} ${type}`).join(', ')})`,
    );
  }
  const casts = columns.map(([column, type]) => `${id(column)}::${type} AS ${id(column)}`).join(', ');
  for (const file of files) {
    await duck.run(`INSERT INTO ${id(table)} BY NAME SELECT ${casts} FROM read_parquet($path)`, { path: file.path });
  }
}

/** A temp table of the files' rows as Parquet gives them, in file order; row counts checked first. */
export async function loadTable(
  duck: Duck,
  table: string,
  files: readonly LocalFile[],
  select = 'SELECT *',
): Promise<void> {
  await checkRowCounts(duck, files);
  await duck.run(`CREATE OR REPLACE TEMP TABLE ${id(table)} AS ${select} FROM read_parquet($files)`, {
    files: listValue(files.map((file) => file.path)),
  });
}
