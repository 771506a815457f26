import { PublisherError } from '../../core/errors.js';
import type { Store } from '../store/index.js';
import { CATALOG_KEYS } from './layout.js';
import {
  CATALOG_VERSION,
  type Catalog,
  type CatalogChange,
  type CatalogDataset,
  type CatalogLink,
  type CatalogLinks,
  type CatalogQuarter,
  type PublishedObject,
} from './model.js';

/** The parsed index.json of a target, or undefined when the target has none yet. */
export async function readCatalog(store: Store): Promise<Catalog | undefined> {
  return (await readCatalogWithBytes(store))?.catalog;
}

export async function readCatalogWithBytes(store: Store): Promise<{ catalog: Catalog; bytes: Buffer } | undefined> {
  const bytes = await store.getBytes(CATALOG_KEYS.index);
  if (!bytes) return undefined;
  return { catalog: parseCatalog(bytes.toString('utf8'), store.describe(CATALOG_KEYS.index)), bytes };
}

/**
 * Validates the shape the merge relies on. A catalog that does not parse is never overwritten: it holds
 * the only record of what was published (Mozilla's index was once replaced by an empty one).
 */
export function parseCatalog(text: string, where: string): Catalog {
  const fail = (problem: string): never => {
    throw new PublisherError(
      'E_STORE',
      `${where} is not a catalog this publisher can merge (${problem}); refusing to overwrite it. Inspect it, restore it from a backup or rebuild it from ${CATALOG_KEYS.publicationLog}`,
    );
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return fail(`invalid JSON: ${(error as Error).message}`);
  }
  const root = object(raw, 'the document', fail);
  const version = root.catalogVersion;
  if (typeof version !== 'number') return fail('catalogVersion is missing');
  if (version > CATALOG_VERSION)
    return fail(`catalogVersion ${version} was written by a newer publisher; this one writes ${CATALOG_VERSION}`);
  if (version !== CATALOG_VERSION) return fail(`catalogVersion ${version} is unknown`);
  const license = object(root.license, 'license', fail);
  const datasets = array(root.datasets, 'datasets', fail).map((value, index) => {
    const where = `datasets[${index}]`;
    const dataset = object(value, where, fail);
    const quarters = array(dataset.quarters, `${where}.quarters`, fail).map((entry, at) => {
      const quarter = object(entry, `${where}.quarters[${at}]`, fail);
      published(quarter, `${where}.quarters[${at}]`, fail);
      published(
        object(quarter.privacyReport, `${where}.quarters[${at}].privacyReport`, fail),
        `${where}.quarters[${at}].privacyReport`,
        fail,
      );
      for (const field of ['quarter', 'firstPublished', 'lastRevised', 'contentType', 'start', 'end'])
        nonEmpty(quarter[field], `${where}.quarters[${at}].${field}`, fail);
      for (const field of ['year', 'quarterOfYear', 'rows', 'schemaVersion', 'revision'])
        number(quarter[field], `${where}.quarters[${at}].${field}`, fail);
      array(quarter.columns, `${where}.quarters[${at}].columns`, fail);
      if (quarter.inputManifest !== undefined)
        published(
          object(quarter.inputManifest, `${where}.quarters[${at}].inputManifest`, fail),
          `${where}.quarters[${at}].inputManifest`,
          fail,
        );
      if (quarter.formats !== undefined)
        array(quarter.formats, `${where}.quarters[${at}].formats`, fail).forEach((copy, index) => {
          published(
            object(copy, `${where}.quarters[${at}].formats[${index}]`, fail),
            `${where}.quarters[${at}].formats[${index}]`,
            fail,
          );
        });
      return quarter as unknown as CatalogQuarter;
    });
    for (const field of ['name', 'title', 'description', 'grain']) nonEmpty(dataset[field], `${where}.${field}`, fail);
    if (quarters.length === 0) fail(`${where} lists no quarter`);
    return { ...(dataset as unknown as CatalogDataset), quarters };
  });
  const changelog = array(root.changelog, 'changelog', fail) as CatalogChange[];
  published(object(license.file, 'license.file', fail), 'license.file', fail);
  nonEmpty(root.updated, 'updated', fail);
  return { ...(root as unknown as Catalog), datasets, changelog };
}

/** Canonical form: fixed key order, two-space indent, final newline; the same catalog gives the same bytes. */
export function renderCatalog(catalog: Catalog): string {
  const canonical = {
    catalogVersion: catalog.catalogVersion,
    updated: catalog.updated,
    license: {
      id: catalog.license.id,
      title: catalog.license.title,
      url: catalog.license.url,
      file: objectOf(catalog.license.file),
    },
    ...(catalog.links ? { links: renderLinks(catalog.links) } : {}),
    datasets: catalog.datasets.map((dataset) => ({
      name: dataset.name,
      title: dataset.title,
      description: dataset.description,
      grain: dataset.grain,
      latest: {
        quarter: dataset.latest.quarter,
        key: dataset.latest.key,
        url: dataset.latest.url,
        alias: { key: dataset.latest.alias.key, url: dataset.latest.alias.url },
      },
      quarters: dataset.quarters.map((quarter) => ({
        quarter: quarter.quarter,
        year: quarter.year,
        quarterOfYear: quarter.quarterOfYear,
        start: quarter.start,
        end: quarter.end,
        ...objectOf(quarter),
        contentType: quarter.contentType,
        rows: quarter.rows,
        schemaVersion: quarter.schemaVersion,
        columns: quarter.columns.map((column) => ({
          name: column.name,
          type: column.type,
          description: column.description,
          ...(column.derivation !== undefined ? { derivation: column.derivation } : {}),
        })),
        firstPublished: quarter.firstPublished,
        lastRevised: quarter.lastRevised,
        revision: quarter.revision,
        privacy: quarter.privacy,
        privacyReport: objectOf(quarter.privacyReport),
        ...(quarter.inputManifest ? { inputManifest: objectOf(quarter.inputManifest) } : {}),
        ...(quarter.formats
          ? {
              formats: quarter.formats.map((copy) => ({
                format: copy.format,
                ...objectOf(copy),
                mediatype: copy.mediatype,
              })),
            }
          : {}),
      })),
    })),
    changelog: catalog.changelog.map((change) => ({
      time: change.time,
      dataset: change.dataset,
      quarter: change.quarter,
      ...(change.day !== undefined ? { day: change.day } : {}),
      kind: change.kind,
      message: change.message,
      ...(change.sha256 !== undefined ? { sha256: change.sha256 } : {}),
    })),
  };
  return `${JSON.stringify(canonical, null, 2)}\n`;
}

function renderLinks(links: CatalogLinks): CatalogLinks {
  const link = ({ key, url }: CatalogLink): CatalogLink => ({ key, url });
  return {
    datapackage: link(links.datapackage),
    sha256sums: link(links.sha256sums),
    readme: link(links.readme),
    changelog: link(links.changelog),
    license: link(links.license),
    page: link(links.page),
    dcat: link(links.dcat),
    inputs: { prefix: links.inputs.prefix, url: links.inputs.url },
  };
}

function objectOf(value: PublishedObject): PublishedObject {
  return { key: value.key, url: value.url, bytes: value.bytes, sha256: value.sha256 };
}

type Fail = (problem: string) => never;

function object(value: unknown, where: string, fail: Fail): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`${where} must be an object`);
  return value as Record<string, unknown>;
}

function array(value: unknown, where: string, fail: Fail): unknown[] {
  if (!Array.isArray(value)) return fail(`${where} must be an array`);
  return value;
}

function nonEmpty(value: unknown, where: string, fail: Fail): void {
  if (typeof value !== 'string' || value === '') fail(`${where} must be a non-empty string`);
}

function number(value: unknown, where: string, fail: Fail): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${where} must be a number`);
}

function published(value: Record<string, unknown>, where: string, fail: Fail): void {
  nonEmpty(value.key, `${where}.key`, fail);
  nonEmpty(value.url, `${where}.url`, fail);
  number(value.bytes, `${where}.bytes`, fail);
  if (typeof value.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(value.sha256))
    fail(`${where}.sha256 must be 64 lower-case hex digits`);
}
