// The landing page, generated at publish time from the catalog being written and the published TSVs:
// index.html, datasets/<name>.html (charts as inline SVG, no script, nothing fetched from elsewhere)
// and catalog.jsonld (DCAT) for metadata portals. Written as catalog objects, before index.json.
// Chart numbers come from the published files only: this release's TSVs (local) and, for the quarters
// already in the target, the TSVs read back through the Store and checked against their sha256.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublisherError } from '../../core/errors.js';
import { fileDigest, sha256Hex } from '../../core/hash.js';
import type { Logger } from '../../core/log.js';
import type { ReleaseWithChangelog } from '../../core/release.js';
import type { Catalog, CatalogDataset } from '../catalog/model.js';
import type { Store } from '../store/index.js';
import { type DatasetCharts, loadDatasetCharts } from './charts-config.js';
import { escapeHtml as e } from './html.js';
import { datasetPageKey, PAGE_KEYS, renderDcatCatalog } from './json-ld.js';
import { type CatalogFileRow, type RenderedChart, renderDatasetPage, renderIndexPage } from './pages.js';
import { type ChartSeries, datasetSeries, openSeriesDuck } from './series.js';
import { renderChartSvg, yAxisTitle } from './svg.js';

export { datasetPageKey, PAGE_KEYS } from './json-ld.js';

/** Charts cover the newest quarters of each dataset (two years); every quarter stays in the file tables. */
export const CHARTED_QUARTERS = 8;

export interface PageInput {
  catalog: Catalog;
  release: ReleaseWithChangelog;
  store: Store;
  /** DATA_LICENSE.md, whose attribution line the page repeats word for word. */
  licenseText: string;
  queriesDir: string;
  /** The other catalog files of this release with their bodies (index.json included), for the file table. */
  catalogFiles: Array<{ key: string; body: string }>;
  logger?: Logger;
}

export interface PageFile {
  key: string;
  body: string;
}

const WHAT: Readonly<Record<string, string>> = {
  'index.json':
    'The catalog: every dataset and quarter with URL, size, sha256, columns and privacy summary. Script against this.',
  'datapackage.json': 'Frictionless Data Package: the quarter files with typed fields and TSV dialect.',
  SHA256SUMS: 'Checksums of every quarter file, privacy report and the licence (sha256sum -c).',
  'README.md': 'Data dictionary: every dataset, quarter and column.',
  'CHANGELOG.md': 'Every publication and revision, newest first.',
  'catalog.jsonld': 'DCAT catalog (JSON-LD) for metadata portals: every quarter ever published.',
  'DATA_LICENSE.md': 'The licence (CC BY 4.0) and the attribution to give.',
};

/** The blockquote under "## Attribution" in DATA_LICENSE.md, or the licence named plainly when it has none. */
export function attributionLine(licenseText: string, catalog: Catalog): string {
  const section = licenseText.split(/^## Attribution\s*$/m)[1] ?? '';
  const quote = /^>\s?(.+)$/m.exec(section)?.[1]?.trim();
  return quote ?? `Licensed under ${catalog.license.title} (${catalog.license.url}).`;
}

export async function renderPageFiles(input: PageInput): Promise<PageFile[]> {
  const { catalog } = input;
  const configs = new Map<string, DatasetCharts>();
  for (const dataset of catalog.datasets) {
    const config = await loadDatasetCharts(input.queriesDir, dataset);
    for (const skipped of config.skipped) input.logger?.warn('chart left out of the page', { chart: skipped });
    configs.set(dataset.name, config);
  }
  const dcat = renderDcatCatalog(catalog);
  const charts = await renderCharts(input, configs);
  const catalogFiles: CatalogFileRow[] = [...input.catalogFiles, { key: PAGE_KEYS.dcat, body: dcat }].map((file) => {
    const bytes = Buffer.from(file.body, 'utf8');
    return {
      key: file.key,
      url: file.key,
      bytes: bytes.byteLength,
      sha256: sha256Hex(bytes),
      what: WHAT[file.key] ?? '',
    };
  });
  catalogFiles.push({ ...catalog.license.file, what: WHAT[catalog.license.file.key] ?? '' });
  catalogFiles.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const context = { catalog, attribution: attributionLine(input.licenseText, catalog), charts, catalogFiles };
  return [
    ...catalog.datasets.map((dataset) => ({
      key: datasetPageKey(dataset.name),
      body: renderDatasetPage(context, dataset),
    })),
    { key: PAGE_KEYS.dcat, body: dcat },
    { key: PAGE_KEYS.index, body: renderIndexPage(context) },
  ];
}

async function renderCharts(
  input: PageInput,
  configs: Map<string, DatasetCharts>,
): Promise<Map<string, RenderedChart[]>> {
  const local = new Map(input.release.files.map((file) => [file.key, file.localPath]));
  const folder: { path?: string } = {};
  const duck = await openSeriesDuck();
  const result = new Map<string, RenderedChart[]>();
  try {
    for (const dataset of input.catalog.datasets) {
      const charted = dataset.quarters.slice(-CHARTED_QUARTERS);
      const paths: string[] = [];
      for (const quarter of charted) {
        const path = local.get(quarter.key);
        if (path) {
          paths.push(path);
          continue;
        }
        folder.path ??= await mkdtemp(join(tmpdir(), 'publisher-page-'));
        const fetched = join(folder.path, `${paths.length}-${dataset.name}.tsv`);
        await input.store.download(quarter.key, fetched);
        const digest = await fileDigest(fetched);
        if (digest.sha256 !== quarter.sha256)
          throw new PublisherError(
            'E_STORE',
            `${input.store.describe(quarter.key)} has sha256 ${digest.sha256}, but index.json lists ${quarter.sha256}: the page charts published figures only, so it was not written`,
          );
        paths.push(fetched);
      }
      const series = await datasetSeries(duck, paths, configs.get(dataset.name)!);
      const rendered: RenderedChart[] = [];
      for (const [index, one] of series.entries()) {
        const id = `chart-${dataset.name}-${index + 1}`;
        const caption = captionOf(
          dataset,
          charted.map((quarter) => quarter.key),
          configs.get(dataset.name)!,
          one,
        );
        rendered.push({ id, svg: await renderChartSvg(one, id, caption), caption, table: dataTable(id, one) });
      }
      result.set(dataset.name, rendered);
    }
  } finally {
    duck.close();
    if (folder.path) await rm(folder.path, { recursive: true, force: true });
  }
  return result;
}

const fmt = (value: number): string => value.toLocaleString('en-US');
const percent = (part: number, whole: number): string =>
  whole === 0 ? '0.0%' : `${((100 * part) / whole).toFixed(1)}%`;

function captionOf(dataset: CatalogDataset, keys: string[], config: DatasetCharts, series: ChartSeries): string {
  const { chart } = series;
  if (series.points.length === 0) return `${chart.title}: no published row to chart.`;
  const totals = new Map<string, number>();
  for (const point of series.points) totals.set(point.series, (totals.get(point.series) ?? 0) + point.value);
  const all = [...totals.values()].reduce((sum, value) => sum + value, 0);
  const leaders = series.series
    .slice(0, 3)
    .map((name) => `${name} ${fmt(totals.get(name) ?? 0)} (${percent(totals.get(name) ?? 0, all)})`)
    .join(', ');
  const span = `${series.periods.length} ${chart.per}${series.periods.length === 1 ? '' : 's'} from ${series.periods[0]} to ${series.periods[series.periods.length - 1]}`;
  const shown =
    chart.kind === 'lines'
      ? `the ${series.series.length} largest values of ${chart.dimension.join(' ')}`
      : `the ${Math.min(chart.top, series.series.length)} largest values of ${chart.dimension.join(' ')}${series.series.length > chart.top ? ' and all others summed' : ''}`;
  return `${chart.title}, ${span}; ${yAxisTitle(series)} for ${shown}. Largest over the period: ${leaders}. Sums of ${config.measure} over the published rows of ${keys.join(', ')} (dataset ${dataset.name}).`;
}

/** Periods down, series across: every number the chart draws, exactly (data-value holds it unformatted). */
function dataTable(id: string, series: ChartSeries): string {
  const { chart } = series;
  const value = new Map(series.points.map((point) => [`${point.period}\t${point.series}`, point.value]));
  const head = `<tr><th>${e(chart.per)}</th>${series.series.map((name) => `<th>${e(name)}</th>`).join('')}${chart.kind === 'lines' ? '' : '<th>total</th>'}</tr>`;
  const rows = series.periods.map((period) => {
    const total = series.totals.get(period) ?? 0;
    const cells = series.series.map((name) => {
      const v = value.get(`${period}\t${name}`) ?? 0;
      const text = chart.kind === 'share' ? `${fmt(v)} (${percent(v, total)})` : fmt(v);
      return `<td class="n" data-series="${e(name)}" data-value="${v}">${text}</td>`;
    });
    const totalCell = chart.kind === 'lines' ? '' : `<td class="n" data-total="${total}">${fmt(total)}</td>`;
    return `<tr data-period="${e(period)}"><th>${e(period)}</th>${cells.join('')}${totalCell}</tr>`;
  });
  return `<table class="chart-data" data-chart="${id}"><thead>${head}</thead><tbody>${rows.join('\n')}</tbody></table>`;
}
