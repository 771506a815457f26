import type { ColumnType } from '../../core/release.js';
import type { Catalog, CatalogDataset, CatalogQuarter } from './model.js';

/** Frictionless Table Schema field types for our column types. */
const FIELD_TYPES: Readonly<Record<ColumnType, string>> = {
  date: 'date',
  integer: 'integer',
  string: 'string',
  boolean: 'boolean',
  number: 'number',
};

/**
 * datapackage.json: a Frictionless Data Package (v2, with the v1 `profile` kept for older readers) with
 * one tabular resource per published quarter. Paths are relative to datapackage.json, so the package
 * works from any mirror of the target.
 */
export function renderDataPackage(catalog: Catalog): string {
  const descriptor = {
    $schema: 'https://datapackage.org/profiles/2.0/datapackage.json',
    name: 'telemetry-usage',
    title: 'Product usage telemetry, k-anonymous quarterly aggregates',
    created: catalog.updated,
    licenses: [{ name: catalog.license.id, path: catalog.license.url, title: catalog.license.title }],
    resources: catalog.datasets.flatMap((dataset) => dataset.quarters.map((quarter) => resource(dataset, quarter))),
  };
  return `${JSON.stringify(descriptor, null, 2)}\n`;
}

function resource(dataset: CatalogDataset, quarter: CatalogQuarter): Record<string, unknown> {
  return {
    name: `${dataset.name}-${quarter.year}-q${quarter.quarterOfYear}`,
    type: 'table',
    profile: 'tabular-data-resource',
    path: quarter.key,
    title: `${dataset.title}, ${quarter.quarter}`,
    description: `${dataset.description} One row: ${dataset.grain}. Covers ${quarter.start} to ${quarter.end} (UTC).`,
    format: 'tsv',
    mediatype: 'text/tab-separated-values',
    encoding: 'utf-8',
    bytes: quarter.bytes,
    hash: `sha256:${quarter.sha256}`,
    // Our TSV: one header row, LF, never quoted (values cannot hold tabs or newlines), empty = missing.
    dialect: { delimiter: '\t', lineTerminator: '\n', header: true, doubleQuote: false, nullSequence: '' },
    schema: {
      fields: quarter.columns.map((column) => ({
        name: column.name,
        type: FIELD_TYPES[column.type],
        description: column.derivation ? `${column.description} Derivation: ${column.derivation}` : column.description,
      })),
      missingValues: [''],
    },
    // Not a Frictionless property; readers ignore it, people find the report from here.
    privacyReport: quarter.privacyReport.key,
  };
}
