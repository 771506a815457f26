// A chart series as an SVG string: a Vega-Lite spec compiled and rendered in Node at publish time
// (renderer 'none': no browser, no canvas), so the page carries its charts inline and runs no script.
// The SVG gets a <title> and <desc> (what it shows, in words) and role="img" for screen readers.
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { escapeHtml } from './html.js';
import type { ChartSeries } from './series.js';

const PERIOD_AXIS = { day: 'UTC day', week: 'ISO week (named by its Monday, UTC)', quarter: 'Quarter' } as const;

export function yAxisTitle(series: ChartSeries): string {
  const { chart } = series;
  if (chart.kind === 'share') return `share of ${chart.unit} in the ${chart.per} (%)`;
  return `${chart.unit} per ${chart.per}`;
}

export async function renderChartSvg(series: ChartSeries, id: string, description: string): Promise<string> {
  const { chart } = series;
  const temporal = chart.per !== 'quarter';
  const values = series.points.map((point) => ({ ...point, order: series.series.indexOf(point.series) }));
  const spec: vegaLite.TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 720,
    height: 280,
    background: 'white',
    title: { text: chart.title, anchor: 'start', fontSize: 15 },
    data: { values },
    mark:
      chart.kind === 'lines'
        ? { type: 'line', strokeWidth: 1.5, point: !temporal || series.periods.length === 1 }
        : temporal
          ? { type: 'area' }
          : { type: 'bar' },
    encoding: {
      x: temporal
        ? {
            field: 'period',
            type: 'temporal',
            scale: { type: 'utc' },
            title: PERIOD_AXIS[chart.per],
            axis: { labelAngle: 0, tickCount: 8 },
          }
        : { field: 'period', type: 'ordinal', title: PERIOD_AXIS[chart.per], axis: { labelAngle: 0 } },
      y: {
        field: 'value',
        type: 'quantitative',
        title: yAxisTitle(series),
        ...(chart.kind === 'lines' ? {} : { stack: chart.kind === 'share' ? 'normalize' : 'zero' }),
        axis: chart.kind === 'share' ? { format: '.0%' } : { format: ',d' },
      },
      color: {
        field: 'series',
        type: 'nominal',
        title: chart.dimension.join(' '),
        legend: { labelLimit: 400, titleLimit: 400 },
        sort: series.series,
        scale: { scheme: series.series.length > 10 ? 'tableau20' : 'tableau10' },
      },
      order: { field: 'order', type: 'quantitative' },
    },
  };
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const titleId = `${id}-title`;
    const descId = `${id}-desc`;
    return svg
      .replace(/^<svg /, `<svg id="${id}" role="img" aria-labelledby="${titleId} ${descId}" `)
      .replace(
        /^(<svg[^>]*>)/,
        `$1<title id="${titleId}">${escapeHtml(chart.title)}</title><desc id="${descId}">${escapeHtml(description)}</desc>`,
      );
  } finally {
    view.finalize();
  }
}
