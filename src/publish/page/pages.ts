// The HTML of the landing page (index.html: every dataset, the licence and attribution line, the URL
// template, every catalog file, how to read) and of one page per dataset (charts, every quarter file
// with size and sha256, columns, snippets). Pure functions of the catalog and the rendered charts.
import { datasetKey } from '../../core/keys.js';
import type { Catalog, CatalogDataset, PublishedObject } from '../catalog/model.js';
import { snippetSource, snippetsFor } from '../catalog/snippets.js';
import { escapeHtml as e, hrefTo, pageShell } from './html.js';
import { datasetPageKey, PAGE_KEYS, schemaOrgCatalog, schemaOrgDataset } from './json-ld.js';

export interface RenderedChart {
  id: string;
  svg: string;
  caption: string;
  /** The chart's numbers as an HTML table (the text alternative a screen reader or a copy-paste uses). */
  table: string;
}

export interface CatalogFileRow extends PublishedObject {
  what: string;
}

export interface PageContext {
  catalog: Catalog;
  attribution: string;
  charts: Map<string, RenderedChart[]>;
  /** Catalog files with their digests, for the file table (the page cannot list its own). */
  catalogFiles: CatalogFileRow[];
}

const number = (value: number): string => value.toLocaleString('en-US');

function figure(chart: RenderedChart): string {
  return `<figure id="${chart.id}">
${chart.svg}
<figcaption>${e(chart.caption)}</figcaption>
<details><summary>Data table of this chart</summary><div class="scroll">${chart.table}</div></details>
</figure>`;
}

/** The key template shown to readers, recovered from the keys and checked against every one of them. */
export function urlTemplate(catalog: Catalog): string | undefined {
  const [dataset] = catalog.datasets;
  const quarter = dataset?.quarters[0];
  if (!dataset || !quarter) return undefined;
  const candidate = quarter.key
    .replace(dataset.name, '{dataset}')
    .replace(String(quarter.year), '{year}')
    .replace(
      new RegExp(`(?<![0-9])${quarter.quarterOfYear}(?![0-9])(?!.*(?<![0-9])${quarter.quarterOfYear}(?![0-9]))`),
      '{quarter}',
    );
  const holds = catalog.datasets.every((each) =>
    each.quarters.every(
      (entry) => datasetKey(candidate, each.name, { year: entry.year, quarter: entry.quarterOfYear }) === entry.key,
    ),
  );
  return holds ? candidate : undefined;
}

function baseOf(catalog: Catalog): string | undefined {
  const quarter = catalog.datasets[0]?.quarters[0];
  if (!quarter || !/^https?:\/\//i.test(quarter.url)) return undefined;
  const encoded = quarter.key.split('/').map(encodeURIComponent).join('/');
  return quarter.url.endsWith(encoded) ? quarter.url.slice(0, -encoded.length - 1) : undefined;
}

function licenceSection(catalog: Catalog, attribution: string, depth: number): string {
  return `<h2 id="licence">Licence and attribution</h2>
<p>The data is licensed under the <a href="${e(catalog.license.url)}">${e(catalog.license.title)}</a> (${e(catalog.license.id)}); the full text is in <a href="${hrefTo(catalog.license.file.key, depth)}">${e(catalog.license.file.key)}</a>. Give this line, with the dataset name and quarter you used, wherever you use the data:</p>
<blockquote id="attribution">${e(attribution)}</blockquote>`;
}

function snippetBlock(catalog: Catalog, dataset: CatalogDataset): string {
  const newest = dataset.quarters[dataset.quarters.length - 1]!;
  return snippetsFor(snippetSource(catalog, newest))
    .map(
      (snippet) =>
        `<h3>${e(snippet.label)}</h3>\n${snippet.note ? `<p>${inlineCode(sentence(snippet.note))}</p>\n` : ''}<pre><code class="language-${snippet.language}">${e(snippet.code)}</code></pre>`,
    )
    .join('\n');
}

/** A note follows a label and a colon in Markdown; on its own it starts a sentence. */
const sentence = (note: string): string => note.charAt(0).toUpperCase() + note.slice(1);

/** A note's Markdown `code` spans as <code>, the rest escaped. */
function inlineCode(text: string): string {
  return text
    .split('`')
    .map((part, index) => (index % 2 === 1 ? `<code>${e(part)}</code>` : e(part)))
    .join('');
}

function fileRow(object: PublishedObject, depth: number, label = object.key): string {
  return `<a href="${hrefTo(object.key, depth)}">${e(label)}</a></td><td class="n" data-bytes="${object.bytes}">${number(object.bytes)}</td><td><code>${object.sha256}</code>`;
}

export function renderIndexPage(context: PageContext): string {
  const { catalog } = context;
  const template = urlTemplate(catalog);
  const base = baseOf(catalog);
  const datasets = catalog.datasets
    .map((dataset) => {
      const newest = dataset.quarters[dataset.quarters.length - 1]!;
      // The dataset's first chart, once on this page, so its ids stay unique here.
      const preview = context.charts.get(dataset.name)?.[0];
      return `<h3 id="dataset-${e(dataset.name)}"><a href="${hrefTo(datasetPageKey(dataset.name), 0)}">${e(dataset.title)}</a> (<code>${e(dataset.name)}</code>)</h3>
<p>${e(dataset.description)}</p>
<p class="muted">One row: ${e(dataset.grain)}. ${dataset.quarters.length} quarter${dataset.quarters.length === 1 ? '' : 's'} published, ${e(dataset.quarters[0]!.quarter)} to ${e(newest.quarter)}; newest: <a href="${hrefTo(newest.key, 0)}">${e(newest.key)}</a>, also at <a href="${hrefTo(dataset.latest.alias.key, 0)}">${e(dataset.latest.alias.key)}</a>. <a href="${hrefTo(datasetPageKey(dataset.name), 0)}">Charts, every file, columns and snippets</a>.</p>
${preview ? figure(preview) : ''}`;
    })
    .join('\n');
  const catalogFiles = context.catalogFiles
    .map((file) => `<tr><td>${fileRow(file, 0)}</td><td>${e(file.what)}</td></tr>`)
    .join('\n');
  const body = `<header><h1>Product usage telemetry: quarterly datasets</h1>
<p>Aggregated, k-anonymous usage data: one tab-separated file per dataset and quarter. Every published row rests on at least k distinct machines; each file's privacy report says how. Catalog last updated ${e(catalog.updated)}.</p>
<nav><a href="#datasets">Datasets</a><a href="#licence">Licence</a><a href="#urls">URLs</a><a href="#files">Catalog files</a><a href="#reading">Reading the data</a></nav></header>
<main>
<h2 id="datasets">Datasets</h2>
${datasets}
${licenceSection(catalog, context.attribution, 0)}
<h2 id="urls">URL template</h2>
<p>Every quarter of every dataset sits at a stable URL${template ? ':' : '; the exact key of each is in index.json.'}</p>
${template ? `<pre><code>${e(base ?? '{base}')}/${e(template)}</code></pre>` : ''}
<p>For example <code>${e(catalog.datasets[0]?.quarters[0]?.url ?? '')}</code>. The privacy report of a quarter sits beside it (<code>.privacy.json</code>), and so do its copies: <code>.parquet</code> (typed columns) and <code>.tsv.gz</code>; <code>{dataset}-latest.tsv</code> is a copy of the newest quarter at a URL that never changes. Scripts should start from <a href="index.json">index.json</a>, which lists every file with its URL, size and sha256.</p>
<h2 id="files">Catalog files</h2>
<table><thead><tr><th>File</th><th>Bytes</th><th>sha256</th><th>What it is</th></tr></thead><tbody>
${catalogFiles}
</tbody></table>
<p class="muted">The quarter files and privacy reports are listed on each dataset's page. <code>publication-log.ndjson</code> records every object ever written.</p>
<h2 id="reading">Reading the data</h2>
<p>UTF-8, LF line ends, one header row, tab-separated, never quoted. Read version columns as text (<code>22.04</code> is a version, not a number). A value starting with <code>=</code>, <code>+</code>, <code>-</code> or <code>@</code> has a leading apostrophe. Example for the newest quarter of <code>${e(catalog.datasets[0]?.name ?? '')}</code>:</p>
${catalog.datasets[0] ? snippetBlock(catalog, catalog.datasets[0]) : ''}
</main>`;
  return pageShell({
    title: 'Product usage telemetry: quarterly datasets',
    description: 'Aggregated, k-anonymous product usage telemetry, one TSV per dataset and quarter, CC BY 4.0.',
    depth: 0,
    body,
    jsonLd: schemaOrgCatalog(catalog),
  });
}

export function renderDatasetPage(context: PageContext, dataset: CatalogDataset): string {
  const { catalog } = context;
  const depth = 1;
  const charts = context.charts.get(dataset.name) ?? [];
  const quarters = [...dataset.quarters]
    .reverse()
    .map(
      (quarter) =>
        `<tr><td>${e(quarter.quarter)}</td><td>${fileRow(quarter, depth)}</td><td class="n">${number(quarter.rows)}</td><td>${fileRow(quarter.privacyReport, depth)}</td><td>${e(quarter.firstPublished)}</td><td class="n">${quarter.revision}</td></tr>`,
    )
    .join('\n');
  const newest = dataset.quarters[dataset.quarters.length - 1]!;
  const columns = newest.columns
    .map(
      (column) =>
        `<tr><td><code>${e(column.name)}</code></td><td>${e(column.type)}</td><td>${e(column.description)}</td><td>${e(column.derivation ?? '')}</td></tr>`,
    )
    .join('\n');
  const body = `<header><p><a href="${hrefTo(PAGE_KEYS.index, depth)}">All datasets</a></p>
<h1>${e(dataset.title)} (<code>${e(dataset.name)}</code>)</h1>
<p>${e(dataset.description)}</p>
<p class="muted">One row: ${e(dataset.grain)}. Quarters ${e(dataset.quarters[0]!.quarter)} to ${e(newest.quarter)}. Newest: <a href="${hrefTo(newest.key, depth)}">${e(newest.key)}</a>, also at <a href="${hrefTo(dataset.latest.alias.key, depth)}">${e(dataset.latest.alias.key)}</a>.</p>
<nav><a href="#charts">Charts</a><a href="#files">Files</a><a href="#columns">Columns</a><a href="#reading">Reading it</a><a href="#licence">Licence</a></nav></header>
<main>
<h2 id="charts">Charts</h2>
<p class="muted">Drawn from the published rows only: each value is a sum of the measure over the rows of the quarter files below. A row withheld for privacy is in no chart. <code>Other</code> is a published label (values rolled into remainder rows, as in the files); <code>(all others)</code> sums the published values a chart does not show one by one.</p>
${charts.length > 0 ? charts.map(figure).join('\n') : '<p>No chart for this dataset.</p>'}
<h2 id="files">Files</h2>
<table><thead><tr><th>Quarter</th><th>File</th><th>Bytes</th><th>sha256</th><th>Rows</th><th>Privacy report</th><th>Bytes</th><th>sha256</th><th>First published</th><th>Revision</th></tr></thead><tbody>
${quarters}
</tbody></table>
<h2 id="columns">Columns (schema version ${newest.schemaVersion})</h2>
<table><thead><tr><th>Column</th><th>Type</th><th>Meaning</th><th>How it was derived</th></tr></thead><tbody>
${columns}
</tbody></table>
<h2 id="reading">Reading it</h2>
${snippetBlock(catalog, dataset)}
${licenceSection(catalog, context.attribution, depth)}
</main>`;
  return pageShell({
    title: `${dataset.title}: ${catalog.license.id} usage dataset`,
    description: dataset.description,
    depth,
    body,
    jsonLd: schemaOrgDataset(catalog, dataset, depth),
  });
}
