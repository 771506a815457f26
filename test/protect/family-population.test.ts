// Event tables that declare one population (a family over the same events) are refused until the
// family protection runs in the build: published alone, one could be differenced against another.
// A lone event dataset that declares a population publishes exactly what it publishes without one.
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { event } from '../helpers/archive.js';
import { build, writeArchive } from '../helpers/build.js';
import { describe, expect, it } from '../helpers/fixtures.js';
import { patchedDataset } from '../helpers/queries.js';

const DAY = '2026-07-01';
const events = Array.from({ length: 12 }, (_, machine) => event({ machine_id: `m${machine}`, command: 'build' }));

describe('a population of event tables', () => {
  it('is refused when two tables share it (E_CONFIG, exit 3, before anything is written)', async ({ tmp }) => {
    const archive = await writeArchive(tmp, { [DAY]: events });
    const queriesDir = await patchedDataset(tmp, 'cli-usage', { population: 'cli-usage' });
    await cp(join(queriesDir, 'cli-usage'), join(queriesDir, 'cli-usage-copy'), { recursive: true });
    await expect(build(archive, { k: '5', queriesDir })).rejects.toMatchObject({
      code: 'E_CONFIG',
      message: expect.stringContaining('population cli-usage (cli-usage, cli-usage-copy)'),
    });
  });

  it('publishes a lone member byte for byte as without a population', async ({ tmp }) => {
    const archive = await writeArchive(tmp, { [DAY]: events });
    const plain = await build(archive, { k: '5', queriesDir: await patchedDataset(tmp, 'cli-usage', {}) });
    const declared = await patchedDataset(tmp, 'cli-usage', { population: 'cli-usage' });
    const json = join(declared, 'cli-usage', 'dataset.json');
    expect(JSON.parse(await readFile(json, 'utf8')).population).toBe('cli-usage');
    const alone = await build(archive, { k: '5', queriesDir: declared });
    expect(alone.rows.length).toBeGreaterThan(0);
    expect(alone.tsv).toBe(plain.tsv);
  });
});
