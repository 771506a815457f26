// Machine-readable descriptions for dataset search engines and metadata portals:
// - schema.org `Dataset` JSON-LD embedded in the pages (Google Dataset Search and others read it);
// - `catalog.jsonld`, a DCAT-AP style catalog that CKAN's DCAT harvester reads: one dcat:Dataset per
//   published quarter (identifier `{dataset}-{year}-q{quarter}`), taken from index.json, which never drops
//   a quarter, so no harvested dataset ever vanishes (the harvester would delete it), plus one
//   dcat:DatasetSeries per dataset.
import { CATALOG_KEYS } from '../catalog/layout.js';
import type { Catalog, CatalogDataset, CatalogQuarter, PublishedObject } from '../catalog/model.js';
import { hrefTo } from './html.js';

export const PAGE_KEYS = { index: CATALOG_KEYS.page, dcat: CATALOG_KEYS.dcat } as const;

export function datasetPageKey(dataset: string): string {
  return `datasets/${dataset}.html`;
}

/** The catalog's URL when it is absolute (a public base URL is set), else the key relative to the page. */
export function linkOf(object: { key: string; url: string }, depth: number): string {
  return /^https?:\/\//i.test(object.url) ? object.url : hrefTo(object.key, depth);
}

const CATALOG_TITLE = 'Product usage telemetry: k-anonymous quarterly datasets';

function temporalCoverage(dataset: CatalogDataset): string {
  return `${dataset.quarters[0]!.start}/${dataset.quarters[dataset.quarters.length - 1]!.end}`;
}

function byteSize(object: PublishedObject): string {
  return `${object.bytes} B`;
}

export function schemaOrgDataset(catalog: Catalog, dataset: CatalogDataset, depth: number): Record<string, unknown> {
  const newest = dataset.quarters[dataset.quarters.length - 1]!;
  return {
    '@context': 'https://schema.org/',
    '@type': 'Dataset',
    name: dataset.title,
    alternateName: dataset.name,
    description: `${dataset.description} One row: ${dataset.grain}. Every published row rests on at least k distinct machines.`,
    url: hrefTo(datasetPageKey(dataset.name), depth),
    license: catalog.license.url,
    isAccessibleForFree: true,
    temporalCoverage: temporalCoverage(dataset),
    dateModified: catalog.updated,
    variableMeasured: newest.columns.map((column) => ({
      '@type': 'PropertyValue',
      name: column.name,
      description: column.description,
    })),
    distribution: dataset.quarters.map((quarter) => ({
      '@type': 'DataDownload',
      name: `${dataset.name} ${quarter.quarter}`,
      contentUrl: linkOf(quarter, depth),
      encodingFormat: quarter.contentType.split(';')[0],
      contentSize: byteSize(quarter),
      temporalCoverage: `${quarter.start}/${quarter.end}`,
      sha256: quarter.sha256,
    })),
  };
}

export function schemaOrgCatalog(catalog: Catalog): Record<string, unknown> {
  return {
    '@context': 'https://schema.org/',
    '@type': 'DataCatalog',
    name: CATALOG_TITLE,
    license: catalog.license.url,
    dateModified: catalog.updated,
    dataset: catalog.datasets.map((dataset) => {
      const { '@context': _context, ...rest } = schemaOrgDataset(catalog, dataset, 0);
      return rest;
    }),
  };
}

const DCAT_CONTEXT = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  spdx: 'http://spdx.org/rdf/terms#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
};

function distribution(catalog: Catalog, object: PublishedObject, title: string, mediaType: string) {
  return {
    '@id': `${linkOf(object, 0)}#distribution`,
    '@type': 'dcat:Distribution',
    'dct:title': title,
    'dcat:downloadURL': { '@id': linkOf(object, 0) },
    'dcat:accessURL': { '@id': linkOf(object, 0) },
    'dcat:mediaType': mediaType,
    'dct:format': mediaType,
    'dcat:byteSize': { '@value': String(object.bytes), '@type': 'xsd:decimal' },
    'dct:license': { '@id': catalog.license.url },
    'spdx:checksum': {
      '@type': 'spdx:Checksum',
      'spdx:algorithm': { '@id': 'http://spdx.org/rdf/terms#checksumAlgorithm_sha256' },
      'spdx:checksumValue': object.sha256,
    },
  };
}

function quarterDataset(catalog: Catalog, dataset: CatalogDataset, quarter: CatalogQuarter) {
  const identifier = `${dataset.name}-${quarter.year}-q${quarter.quarterOfYear}`;
  return {
    '@id': `${linkOf(quarter, 0)}#dataset`,
    '@type': 'dcat:Dataset',
    'dct:identifier': identifier,
    'dct:title': `${dataset.title}, ${quarter.quarter}`,
    'dct:description': `${dataset.description} One row: ${dataset.grain}. Covers ${quarter.start} to ${quarter.end} (UTC).`,
    'dct:issued': { '@value': quarter.firstPublished, '@type': 'xsd:dateTime' },
    'dct:modified': { '@value': quarter.lastRevised, '@type': 'xsd:dateTime' },
    'dct:license': { '@id': catalog.license.url },
    'dct:temporal': {
      '@type': 'dct:PeriodOfTime',
      'dcat:startDate': { '@value': quarter.start, '@type': 'xsd:date' },
      'dcat:endDate': { '@value': quarter.end, '@type': 'xsd:date' },
    },
    'dcat:keyword': ['telemetry', 'usage', dataset.name],
    'dcat:landingPage': { '@id': hrefTo(datasetPageKey(dataset.name), 0) },
    'dcat:inSeries': { '@id': `${hrefTo(datasetPageKey(dataset.name), 0)}#series` },
    'dcat:distribution': [
      distribution(catalog, quarter, `${identifier} (TSV)`, quarter.contentType.split(';')[0]!),
      distribution(catalog, quarter.privacyReport, `${identifier} privacy report`, 'application/json'),
    ],
  };
}

/** catalog.jsonld: every quarter ever listed in index.json; the order is fixed, so a rerun writes the same bytes. */
export function renderDcatCatalog(catalog: Catalog): string {
  const document = {
    '@context': DCAT_CONTEXT,
    '@id': `${PAGE_KEYS.dcat}#catalog`,
    '@type': 'dcat:Catalog',
    'dct:title': CATALOG_TITLE,
    'dct:description':
      'Aggregated, k-anonymous product usage telemetry, one tab-separated file per dataset and quarter.',
    'dct:license': { '@id': catalog.license.url },
    'dct:modified': { '@value': catalog.updated, '@type': 'xsd:dateTime' },
    'foaf:homepage': { '@id': PAGE_KEYS.index },
    'dcat:dataset': [
      ...catalog.datasets.map((dataset) => ({
        '@id': `${hrefTo(datasetPageKey(dataset.name), 0)}#series`,
        '@type': 'dcat:DatasetSeries',
        'dct:identifier': dataset.name,
        'dct:title': dataset.title,
        'dct:description': dataset.description,
        'dct:license': { '@id': catalog.license.url },
        'dcat:landingPage': { '@id': hrefTo(datasetPageKey(dataset.name), 0) },
      })),
      ...catalog.datasets.flatMap((dataset) =>
        dataset.quarters.map((quarter) => quarterDataset(catalog, dataset, quarter)),
      ),
    ],
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
