// The opt-in family of examples/cli-usage-family: the full cube and five small daily tables over the
// same events, protected together (protect/family.ts). On a generated quarter the small tables publish
// real values at full detail where the cube rolls them up, and the family's cube is the bundled
// cli-usage with a population, so the two never drift apart.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeSampleArchive } from '../../tools/sample/generate.js';
import { build, folderIn, parseTsv } from '../helpers/build.js';
import { describe, expect, it } from '../helpers/fixtures.js';

const FAMILY = join(process.cwd(), 'examples', 'cli-usage-family');
const MEMBERS = ['cli-usage-commands', 'cli-usage-geography', 'cli-usage-os', 'cli-usage-runtime', 'cli-usage-sdk'];
const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8'));

describe('the cli-usage family example', () => {
  it('its cube is the bundled cli-usage, with the population its members declare', async () => {
    const bundled = join(process.cwd(), 'queries', 'cli-usage');
    const { population, ...cube } = await readJson(join(FAMILY, 'cli-usage', 'dataset.json'));
    expect(population).toBe('cli-usage');
    expect(cube).toEqual(await readJson(join(bundled, 'dataset.json')));
    for (const file of ['query.sql', 'charts.json']) {
      expect(await readFile(join(FAMILY, 'cli-usage', file), 'utf8')).toBe(await readFile(join(bundled, file), 'utf8'));
    }
    for (const member of MEMBERS) {
      const dataset = await readJson(join(FAMILY, member, 'dataset.json'));
      expect(dataset.population).toBe('cli-usage');
      // A member counts the cube's events: its query keeps the cube's filter.
      expect(await readFile(join(FAMILY, member, 'query.sql'), 'utf8')).toContain(
        "WHERE e.event = 'command'\n  AND e.environment = 'production'",
      );
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
    const built = await build(archive, { k: '10', queriesDir: FAMILY, datasets: ['cli-usage', ...MEMBERS] });
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
    ].map(([table, column]) => ({
      column,
      cube: fullDetailShare(tables['cli-usage']!, column!),
      table: fullDetailShare(tables[table!]!, column!),
    }));
    // The cube rolls SDKVersion last on this sample, so it keeps it about as often as its own table.
    for (const { column, cube, table } of detail) {
      expect(table, column).toBeGreaterThan(0.5);
      if (column !== 'SDKVersion') expect(table - cube, column).toBeGreaterThan(0.3);
    }
    for (const rows of Object.values(tables)) {
      expect(rows.every((row) => Number(row.Occurrences) > 0)).toBe(true);
    }
  });
});
