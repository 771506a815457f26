// The bundled cli-usage family: the full cube and six small daily tables over the same events, protected
// together (protect/family.ts). On a generated quarter the small tables publish real values at full
// detail where the cube rolls them up.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeSampleArchive } from '../../tools/sample/generate.js';
import { build, folderIn, parseTsv } from '../helpers/build.js';
import { describe, expect, it } from '../helpers/fixtures.js';

const QUERIES = join(process.cwd(), 'queries');
const MEMBERS = [
  'cli-usage-commands',
  'cli-usage-geography',
  'cli-usage-geography-os',
  'cli-usage-os',
  'cli-usage-runtime',
  'cli-usage-sdk',
];
const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8'));

describe('the bundled cli-usage family', () => {
  it('every dataset of population cli-usage counts the events of the cube, with its filter', async () => {
    const members: string[] = [];
    for (const folder of (await readdir(QUERIES)).sort()) {
      const dataset = await readJson(join(QUERIES, folder, 'dataset.json'));
      if (dataset.population === 'cli-usage') members.push(folder);
    }
    expect(members).toEqual(['cli-usage', ...MEMBERS]);
    const cubeQuery = await readFile(join(QUERIES, 'cli-usage', 'query.sql'), 'utf8');
    const filter = "WHERE e.event = 'command'\n  AND e.environment = 'production'";
    expect(cubeQuery).toContain(filter);
    for (const member of MEMBERS) {
      // A member counts the cube's events: its query keeps the cube's filter, and ends with it.
      expect((await readFile(join(QUERIES, member, 'query.sql'), 'utf8')).trimEnd().endsWith(filter)).toBe(true);
    }
  });

  it('publishes the small tables at full detail where the cube rolls them up, protected as one family', async ({
    tmp,
  }) => {
    const archive = await folderIn(tmp, 'archive-');
    await writeSampleArchive({
      out: archive,
      endQuarter: { year: 2026, quarter: 3 },
      quarters: 1,
      commandEvents: 40_000,
      installations: 0,
      formats: ['parquet'],
      badLines: false,
    });
    const built = await build(archive, { k: '10', queriesDir: QUERIES, datasets: ['cli-usage', ...MEMBERS] });
    expect(built.logLines.some((line) => line.includes('protected a family of event tables'))).toBe(true);
    const tables = Object.fromEntries(
      await Promise.all(
        built.datasets.map(async (dataset) => [
          dataset.file.dataset,
          parseTsv(await readFile(dataset.file.localPath, 'utf8')),
        ]),
      ),
    ) as Record<string, Array<Record<string, string>>>;
    expect(Object.keys(tables).sort()).toEqual(['cli-usage', ...MEMBERS]);
    const fullDetailShare = (rows: Array<Record<string, string>>, column: string) => {
      const total = rows.reduce((sum, row) => sum + Number(row.Occurrences), 0);
      const exact = rows
        .filter((row) => row[column] !== 'Other')
        .reduce((sum, row) => sum + Number(row.Occurrences), 0);
      return exact / total;
    };
    // Each small table attributes most of its dimension to values, not Other, where the cube cannot.
    const detail = [
      ['cli-usage-sdk', 'SDKVersion'],
      ['cli-usage-os', 'OSVersion'],
      ['cli-usage-runtime', 'RuntimeID'],
      ['cli-usage-commands', 'Command'],
      ['cli-usage-geography', 'Geography'],
      ['cli-usage-geography-os', 'Geography'],
    ].map(([table, column]) => ({
      column,
      cube: fullDetailShare(tables['cli-usage']!, column!),
      table: fullDetailShare(tables[table!]!, column!),
    }));
    // The cube rolls SDKVersion last on this sample, so it keeps it about as often as its own table.
    // Geography spreads over 64 countries: about half of its events at full detail on 40k events (0.49
    // measured), against none in the cube.
    for (const { column, cube, table } of detail) {
      expect(table, column).toBeGreaterThan(column === 'Geography' ? 0.4 : 0.5);
      if (column !== 'SDKVersion') expect(table - cube, column).toBeGreaterThan(0.3);
    }
    for (const rows of Object.values(tables)) {
      expect(rows.every((row) => Number(row.Occurrences) > 0)).toBe(true);
    }
    // Each report says the tables are protected together, and no table's suppressed total is published:
    // minus a derivable secondary row, it would give a primary one.
    for (const { report } of built.datasets) {
      expect(report.method, report.dataset).toMatch(/tables sharing its population \(cli-usage\)/);
      expect(report.suppressed, report.dataset).toMatchObject({ total: null, withheld: true });
    }
  });
});
