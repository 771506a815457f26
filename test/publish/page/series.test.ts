// The chart series are exact sums of the published rows (top values by total, the rest summed, a value
// absent on a day drawn as 0), and a label is text everywhere it appears on the page, never markup.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PublisherError } from '../../../src/core/errors.js';
import { fileDigest } from '../../../src/core/hash.js';
import type { CatalogDataset } from '../../../src/publish/catalog/index.js';
import { loadDatasetCharts } from '../../../src/publish/page/charts-config.js';
import { datasetSeries, REST_LABEL } from '../../../src/publish/page/series.js';
import { LocalStore } from '../../../src/publish/store/local.js';
import {
  COLUMNS,
  fixedClock,
  makeRelease,
  publishLocked,
  quietLogger,
  writeLicense,
} from '../../helpers/catalog-fixture.js';
import { describe, expect, it } from '../../helpers/fixtures.js';

const TSV = [
  'Timestamp\tOccurrences\tCommand',
  '2026-07-06\t50\tbuild', // Monday of ISO week 2026-W28
  '2026-07-06\t30\trun',
  '2026-07-07\t20\tbuild',
  '2026-07-07\t7\t<b>&"x',
  '2026-07-13\t5\trun', // next week; no build that day
  '2026-07-13\t11\t<b>&"x',
  '2026-07-13\t1\ttest',
].join('\n');

const dataset = { name: 'cli-usage', quarters: [{ columns: COLUMNS }] } as unknown as CatalogDataset;

describe('chart series', () => {
  it('are the sums of the published rows: top values by total, the rest summed, absences as 0', async ({
    tmp,
    duck,
  }) => {
    const path = join(tmp, 'q.tsv');
    await writeFile(path, `${TSV}\n`);
    const config = {
      time: 'Timestamp',
      measure: 'Occurrences',
      skipped: [],
      charts: [
        {
          title: 'daily',
          kind: 'lines' as const,
          per: 'day' as const,
          dimension: ['Command'],
          top: 2,
          unit: 'invocations',
        },
        {
          title: 'weekly',
          kind: 'share' as const,
          per: 'week' as const,
          dimension: ['Command'],
          top: 1,
          unit: 'invocations',
        },
      ],
    };
    const [daily, weekly] = await datasetSeries(duck, [path], config);
    expect(daily!.series).toEqual(['build', 'run']); // 70 and 35; '<b>&"x' has 18
    expect(daily!.points).toEqual([
      { period: '2026-07-06', series: 'build', value: 50 },
      { period: '2026-07-06', series: 'run', value: 30 },
      { period: '2026-07-07', series: 'build', value: 20 },
      { period: '2026-07-07', series: 'run', value: 0 },
      { period: '2026-07-13', series: 'build', value: 0 },
      { period: '2026-07-13', series: 'run', value: 5 },
    ]);
    expect(weekly!.series).toEqual(['build', REST_LABEL]);
    expect(weekly!.points).toEqual([
      { period: '2026-07-06', series: 'build', value: 70 },
      { period: '2026-07-06', series: REST_LABEL, value: 37 },
      { period: '2026-07-13', series: 'build', value: 0 },
      { period: '2026-07-13', series: REST_LABEL, value: 17 },
    ]);
    expect([...weekly!.totals]).toEqual([
      ['2026-07-06', 107],
      ['2026-07-13', 17],
    ]);
  });

  it('show a label as text on the page, in the SVG and in the data table', async ({ tmp }) => {
    const release = await makeRelease(join(tmp, 'r'), [{ quarter: { year: 2026, quarter: 3 } }]);
    const file = release.files[0]!;
    await writeFile(file.localPath, `${TSV}\n`);
    Object.assign(file, await fileDigest(file.localPath), { rows: 7 });
    const target = join(tmp, 'target');
    await publishLocked(new LocalStore(target), release, {
      logger: quietLogger,
      dryRun: false,
      licensePath: await writeLicense(join(tmp, 'license')),
      now: fixedClock('2026-10-02T03:00:00.000Z'),
      queriesDir: join(tmp, 'no-queries'), // no charts.json: the generic chart of the first dimension
    });
    const html = await readFile(join(target, 'datasets', 'cli-usage.html'), 'utf8');
    expect(html).not.toContain('<b>&"x');
    expect(html).toContain('&lt;b&gt;&amp;&quot;x');
    expect(html.match(/<svg /g)).toHaveLength(1);
    expect(html).toMatch(/<td class="n" data-series="&lt;b&gt;&amp;&quot;x" data-value="11">/);
  });
});

describe('charts.json', () => {
  it('stops the run on a malformed file, naming it; leaves out a chart whose column is not published', async ({
    tmp,
  }) => {
    const folder = join(tmp, 'queries', 'cli-usage');
    await mkdir(folder, { recursive: true });
    const write = (charts: unknown) => writeFile(join(folder, 'charts.json'), JSON.stringify({ charts }));
    await write([{ title: 't', kind: 'pie', per: 'day', dimension: ['Command'] }]);
    const error = await loadDatasetCharts(join(tmp, 'queries'), dataset).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PublisherError);
    expect((error as PublisherError).code).toBe('E_CONFIG');
    expect((error as Error).message).toContain(join(folder, 'charts.json'));
    expect((error as Error).message).toContain('kind must be one of lines, stacked, share');

    await write([
      { title: 'kept', kind: 'lines', per: 'day', dimension: ['Command'] },
      { title: 'gone', kind: 'share', per: 'week', dimension: ['SDKVersion'] },
    ]);
    const loaded = await loadDatasetCharts(join(tmp, 'queries'), dataset);
    expect(loaded.charts.map((chart) => chart.title)).toEqual(['kept']);
    expect(loaded.skipped).toEqual([expect.stringContaining('SDKVersion not among the published dimensions')]);
  });
});
