// The landing page as a reader gets it: two quarters published by the CLI into a folder (the second run
// charts the first quarter read back through the store), that folder served on loopback and opened in a
// real headless Chromium. No request may leave the folder, every link must resolve, every chart must
// draw marks, its data table must hold exactly the sums of the published rows, and the JSON-LD and
// catalog.jsonld must describe every quarter.
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { readCatalog } from '../../../src/publish/catalog/index.js';
import { REST_LABEL } from '../../../src/publish/page/series.js';
import { LocalStore } from '../../../src/publish/store/local.js';
import { folderIn, parseTsv } from '../../helpers/build.js';
import { cli } from '../../helpers/cli.js';
import { describe, expect, it } from '../../helpers/fixtures.js';
import { type FolderServer, serveFolder } from '../../helpers/folder-server.js';
import { launchChromium } from './browser.js';

interface Opened {
  page: Page;
  foreign: string[];
  failed: string[];
}

async function open(browser: BrowserContext, server: FolderServer, path: string): Promise<Opened> {
  const page = await browser.newPage();
  const foreign: string[] = [];
  const failed: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === server.origin) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  page.on('requestfailed', (request) => failed.push(request.url()));
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(`${server.origin}/${path}`, { waitUntil: 'load' });
  return { page, foreign, failed };
}

/** Sum of `measure` over the published rows, by (period of `time`, value of `columns`). */
function sums(
  rows: Array<Record<string, string>>,
  period: (row: Record<string, string>) => string,
  columns: string[],
  measure: string,
) {
  const result = new Map<string, number>();
  for (const row of rows) {
    const key = `${period(row)}\t${columns.map((column) => row[column]).join(' ')}`;
    result.set(key, (result.get(key) ?? 0) + Number(row[measure]));
  }
  return result;
}

function mondayOf(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}

describe('the landing page in a real browser', () => {
  it('loads from the published folder alone, every link resolves, every chart draws the published sums', async ({
    tmp,
  }) => {
    const archive = join(tmp, 'archive');
    const target = join(tmp, 'target');
    expect((await cli(['sample', '--out', archive, '--events', '20000', '--quarters', '2', '--seed', '7'])).code).toBe(
      0,
    );
    for (const quarter of ['2026-Q2', '2026-Q3']) {
      const run = await cli(['publish', '--archive', archive, '--target', target, '--quarter', quarter]);
      expect(run.code, run.log.join('\n')).toBe(0);
    }
    const store = new LocalStore(target);
    const catalog = (await readCatalog(store))!;
    // index.json links the other catalog files and the page; each is there, with its content type.
    const { inputs, ...links } = catalog.links!;
    expect(Object.values(links).map((link) => link.key)).toEqual(
      expect.arrayContaining([
        'datapackage.json',
        'SHA256SUMS',
        'README.md',
        'CHANGELOG.md',
        'index.html',
        'catalog.jsonld',
      ]),
    );
    for (const link of Object.values(links)) expect(await store.head(link.key), link.key).toBeDefined();
    expect((await store.list(inputs.prefix)).length).toBeGreaterThan(0);
    expect((await store.head('index.html'))?.contentType).toBe('text/html; charset=utf-8');
    expect((await store.head('datasets/cli-usage.html'))?.contentType).toBe('text/html; charset=utf-8');
    expect((await store.head('catalog.jsonld'))?.contentType).toBe('application/ld+json');

    const server = await serveFolder(target);
    const browser = await launchChromium(await folderIn(tmp, 'chromium-profile-'));
    try {
      const pages = ['index.html', ...catalog.datasets.map((dataset) => `datasets/${dataset.name}.html`)];
      for (const path of pages) {
        const { page, foreign, failed } = await open(browser, server, path);
        expect(foreign, `${path}: requests to other origins`).toEqual([]);
        expect(failed, `${path}: failed requests`).toEqual([]);
        expect(await page.locator('script:not([type="application/ld+json"])').count(), `${path}: scripts`).toBe(0);

        // Every link: a file of the folder, or the licence's own page.
        const hrefs = await page.$$eval('a[href]', (links) => links.map((link) => (link as HTMLAnchorElement).href));
        expect(hrefs.length).toBeGreaterThan(5);
        for (const href of new Set(hrefs)) {
          const url = new URL(href);
          if (url.origin !== server.origin) {
            expect(href, `${path}: link leaving the folder`).toBe(catalog.license.url);
            continue;
          }
          if (url.pathname === `/${path}` && url.hash) continue; // an anchor on this page
          const response = await fetch(`${url.origin}${url.pathname}`);
          expect(response.status, `${path}: ${href}`).toBe(200);
          if (url.hash) expect(await page.locator(url.hash).count()).toBe(0); // anchors elsewhere are not ours
        }

        // JSON-LD: schema.org with the fields dataset search engines need, every contentUrl served.
        const blocks = await page.$$eval('script[type="application/ld+json"]', (nodes) =>
          nodes.map((node) => node.textContent ?? ''),
        );
        expect(blocks).toHaveLength(1);
        const data = JSON.parse(blocks[0]!) as Record<string, unknown>;
        const datasets = (data['@type'] === 'DataCatalog' ? data.dataset : [data]) as Array<Record<string, unknown>>;
        expect(datasets.length).toBeGreaterThan(0);
        for (const dataset of datasets) {
          for (const field of ['name', 'description', 'license', 'temporalCoverage', 'distribution'])
            expect(dataset[field], `${path}: JSON-LD ${field}`).toBeTruthy();
          const distribution = dataset.distribution as Array<Record<string, string>>;
          expect(distribution).toHaveLength(2); // both quarters
          for (const download of distribution) {
            expect(download.encodingFormat).toBe('text/tab-separated-values');
            expect(download.contentSize).toMatch(/^\d+ B$/);
            const response = await fetch(new URL(download.contentUrl!, `${server.origin}/${path}`));
            expect(response.status).toBe(200);
            expect(`${(await response.arrayBuffer()).byteLength} B`).toBe(download.contentSize);
          }
        }

        // Every chart draws marks, and has a title, a description and a caption.
        const charts = await page.$$eval('figure', (figures) =>
          figures.map((figure) => {
            const svg = figure.querySelector('svg');
            const marks = [...(svg?.querySelectorAll('g.role-mark path, g.role-mark rect') ?? [])];
            return {
              id: svg?.id ?? '',
              title: svg?.querySelector('title')?.textContent ?? '',
              desc: svg?.querySelector('desc')?.textContent ?? '',
              caption: figure.querySelector('figcaption')?.textContent ?? '',
              drawn: marks.filter((mark) => (mark.getAttribute('d') ?? 'rect').length > 3).length,
              legend: [...(svg?.querySelectorAll('g.role-legend-label text') ?? [])].map((text) => text.textContent),
              box: svg ? svg.getBoundingClientRect().height : 0,
              series: [...figure.querySelectorAll('table.chart-data thead th')].slice(1).map((th) => th.textContent),
            };
          }),
        );
        if (path.startsWith('datasets/')) expect(charts.length, `${path}: charts`).toBeGreaterThan(0);
        for (const chart of charts) {
          expect(chart.title, chart.id).not.toBe('');
          expect(chart.desc, chart.id).not.toBe('');
          expect(chart.caption, chart.id).toContain('Largest over the period');
          expect(chart.drawn, `${chart.id}: marks with data`).toBeGreaterThan(0);
          expect(chart.box, `${chart.id}: rendered height`).toBeGreaterThan(100);
          expect(chart.legend, `${chart.id}: legend = table`).toEqual(chart.series.filter((name) => name !== 'total'));
        }
        if (path === 'datasets/cli-usage.html')
          await page.screenshot({ path: join(tmp, 'cli-usage.png'), fullPage: true });
        if (path === 'index.html') await page.screenshot({ path: join(tmp, 'index.png'), fullPage: true });
        await page.close();
      }

      // The charted numbers are the sums of the published rows of both quarters, cell by cell.
      const cliUsage = catalog.datasets.find((dataset) => dataset.name === 'cli-usage')!;
      const rows = (
        await Promise.all(cliUsage.quarters.map((quarter) => readFile(join(target, quarter.key), 'utf8')))
      ).flatMap(parseTsv);
      const { page } = await open(browser, server, 'datasets/cli-usage.html');
      const tables = await page.$$eval('table.chart-data', (nodes) =>
        nodes.map((table) => ({
          id: table.getAttribute('data-chart'),
          cells: [...table.querySelectorAll('td[data-series]')].map((cell) => ({
            period: cell.closest('tr')!.getAttribute('data-period')!,
            series: cell.getAttribute('data-series')!,
            value: Number(cell.getAttribute('data-value')),
          })),
          totals: [...table.querySelectorAll('td[data-total]')].map((cell) => ({
            period: cell.closest('tr')!.getAttribute('data-period')!,
            value: Number(cell.getAttribute('data-total')),
          })),
        })),
      );
      const byDay = sums(rows, (row) => row.Timestamp!, ['Command'], 'Occurrences');
      const daily = tables.find((table) => table.id === 'chart-cli-usage-1')!;
      const days = new Set(rows.map((row) => row.Timestamp));
      expect(new Set(daily.cells.map((cell) => cell.period))).toEqual(days); // both quarters, every day
      for (const cell of daily.cells)
        expect(cell.value, `${cell.period} ${cell.series}`).toBe(byDay.get(`${cell.period}\t${cell.series}`) ?? 0);
      for (const [id, column] of [
        ['chart-cli-usage-2', 'SDKVersion'],
        ['chart-cli-usage-3', 'OSFamily'],
      ] as const) {
        const table = tables.find((each) => each.id === id)!;
        const byWeek = sums(rows, (row) => mondayOf(row.Timestamp!), [column], 'Occurrences');
        const weekTotal = sums(rows, (row) => mondayOf(row.Timestamp!), [], 'Occurrences');
        for (const total of table.totals) expect(total.value).toBe(weekTotal.get(`${total.period}\t`));
        for (const cell of table.cells) {
          if (cell.series === REST_LABEL) continue;
          expect(cell.value, `${id} ${cell.period} ${cell.series}`).toBe(
            byWeek.get(`${cell.period}\t${cell.series}`) ?? 0,
          );
        }
      }
      await page.close();
    } finally {
      await browser.close();
      await server.close();
    }
    if (process.env.TP_PAGE_SCREENSHOTS) {
      await copyFile(join(tmp, 'cli-usage.png'), join(process.env.TP_PAGE_SCREENSHOTS, 'cli-usage.png'));
      await copyFile(join(tmp, 'index.png'), join(process.env.TP_PAGE_SCREENSHOTS, 'index.png'));
    }

    // catalog.jsonld: every quarter of every dataset, as a dcat:Dataset with its distributions.
    const dcat = JSON.parse(await readFile(join(target, 'catalog.jsonld'), 'utf8')) as {
      'dcat:dataset': Array<Record<string, unknown>>;
    };
    const identifiers = dcat['dcat:dataset']
      .filter((entry) => entry['@type'] === 'dcat:Dataset')
      .map((entry) => entry['dct:identifier']);
    expect(identifiers.sort()).toEqual(
      catalog.datasets
        .flatMap((dataset) =>
          dataset.quarters.map((quarter) => `${dataset.name}-${quarter.year}-q${quarter.quarterOfYear}`),
        )
        .sort(),
    );
  });
});
