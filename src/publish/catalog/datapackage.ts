// datapackage.json: the published quarters as a Frictionless Data Package, read by frictionless-py and
// datapackage-js alike.
import type { ColumnType } from '../../core/release.js';
import { CATALOG_KEYS } from './layout.js';
import type { Catalog, CatalogDataset, CatalogFormat, CatalogQuarter } from './model.js';

/** Frictionless Table Schema field types for our column types. */
const FIELD_TYPES: Readonly<Record<ColumnType, string>> = {
  date: 'date',
  integer: 'integer',
  string: 'string',
  boolean: 'boolean',
  number: 'number',
};

/**
 * Our TSV as a Table Dialect. No published value holds a `"` (the cleaner turns it into `'`), so the
 * declared quote character never occurs and the file reads the same quoted or not. Declared as `csv`
 * with a tab delimiter: datapackage-js reads no format called "tsv".
 */
const TSV_DIALECT = {
  delimiter: '\t',
  lineTerminator: '\n',
  header: true,
  quoteChar: '"',
  doubleQuote: false,
  skipInitialSpace: false,
};

/**
 * A Data Package (v2, with the v1 `profile` kept for older readers): one tabular resource per published
 * quarter (the TSV), and beside it one resource per copy (Parquet, gzip TSV), which are the same rows
 * and say so. Paths are relative to datapackage.json, so the package works from any mirror.
 */
export function renderDataPackage(catalog: Catalog, homepage?: string): string {
  const descriptor = {
    $schema: 'https://datapackage.org/profiles/2.0/datapackage.json',
    name: 'telemetry-usage',
    title: 'Product usage telemetry, k-anonymous quarterly aggregates',
    // The package changes with every release; its version is the time of its last change.
    version: catalog.updated.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z'),
    created: catalog.updated,
    homepage: homepage ?? CATALOG_KEYS.readme,
    sources: [
      {
        title: 'Product telemetry archive, aggregated and protected by telemetry-publisher (k distinct machines)',
        path: CATALOG_KEYS.readme,
      },
    ],
    licenses: [{ name: catalog.license.id, path: catalog.license.url, title: catalog.license.title }],
    resources: catalog.datasets.flatMap((dataset) =>
      dataset.quarters.flatMap((quarter) => [
        resource(dataset, quarter),
        ...(quarter.formats ?? []).map((copy) => copyResource(dataset, quarter, copy)),
      ]),
    ),
  };
  return `${JSON.stringify(descriptor, null, 2)}\n`;
}

function resourceName(dataset: CatalogDataset, quarter: CatalogQuarter): string {
  return `${dataset.name}-${quarter.year}-q${quarter.quarterOfYear}`;
}

function schema(quarter: CatalogQuarter): Record<string, unknown> {
  const names = quarter.columns.map((column) => column.name);
  // Every column but the measure: the time column and the dimensions identify a row.
  const measure = quarter.columns.find((column) => column.type === 'integer' && column !== quarter.columns[0]);
  return {
    fields: quarter.columns.map((column) => ({
      name: column.name,
      type: FIELD_TYPES[column.type],
      description: column.derivation ? `${column.description} Derivation: ${column.derivation}` : column.description,
    })),
    primaryKey: names.filter((name) => name !== measure?.name),
    missingValues: [''],
  };
}

function resource(dataset: CatalogDataset, quarter: CatalogQuarter): Record<string, unknown> {
  return {
    name: resourceName(dataset, quarter),
    type: 'table',
    profile: 'tabular-data-resource',
    path: quarter.key,
    title: `${dataset.title}, ${quarter.quarter}`,
    description: `${dataset.description} One row: ${dataset.grain}. Covers ${quarter.start} to ${quarter.end} (UTC).`,
    format: 'csv',
    mediatype: 'text/tab-separated-values',
    encoding: 'utf-8',
    bytes: quarter.bytes,
    hash: `sha256:${quarter.sha256}`,
    dialect: TSV_DIALECT,
    schema: schema(quarter),
    // Not a Frictionless property; readers ignore it, people find the report from here.
    privacyReport: quarter.privacyReport.key,
  };
}

/** A copy: the same rows in another format; declared a plain (non-tabular) resource, which every reader accepts. */
function copyResource(dataset: CatalogDataset, quarter: CatalogQuarter, copy: CatalogFormat): Record<string, unknown> {
  return {
    name: `${resourceName(dataset, quarter)}-${copy.format.replace(/\./g, '-')}`,
    path: copy.key,
    title: `${dataset.title}, ${quarter.quarter} (${copy.format})`,
    description: `The rows of ${quarter.key}, as ${copy.format === 'parquet' ? 'Parquet (typed columns, zstd)' : 'gzip-compressed TSV (the same bytes once decompressed)'}.`,
    // Not `csv`: datapackage-js would take a gzip resource of that format as text to parse.
    format: copy.format,
    mediatype: copy.mediatype,
    bytes: copy.bytes,
    hash: `sha256:${copy.sha256}`,
    // No schema: a resource with one is tabular to datapackage-js, which would parse the bytes as CSV.
    // The fields are those of the TSV resource of the same quarter.
  };
}
