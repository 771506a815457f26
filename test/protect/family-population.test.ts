// Event tables that declare one population are protected together (family-tables.ts). A lone event
// dataset that declares a population, and a family whose second table is a copy of the first (nothing
// to difference), publish exactly what the dataset publishes alone.
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { event } from '../helpers/archive.js';
import { build, writeArchive } from '../helpers/build.js';
import { describe, expect, it } from '../helpers/fixtures.js';
import { patchedDataset } from '../helpers/queries.js';

const DAY = '2026-07-01';
const events = Array.from({ length: 12 }, (_, machine) => event({ machine_id: `m${machine}`, command: 'build' }));
// Rare values: an OSVersion generalised to Other and a suppressed row, which a copy of the table must not expose.
const rare = [
  ...Array.from({ length: 5 }, (_, machine) =>
    event({ machine_id: `r${machine}`, command: 'run', os_version: `${machine + 1}.0` }),
  ),
  event({ machine_id: 'lone', command: 'publish', os_family: 'Darwin' }),
];

describe('a population of event tables', () => {
  it('a copy of the cube in its population adds nothing to difference: the same bytes', async ({ tmp }) => {
    const archive = await writeArchive(tmp, { [DAY]: [...events, ...rare] });
    const plain = await build(archive, { k: '5', queriesDir: await patchedDataset(tmp, 'cli-usage', {}) });
    const queriesDir = await patchedDataset(tmp, 'cli-usage', { population: 'cli-usage' });
    await cp(join(queriesDir, 'cli-usage'), join(queriesDir, 'cli-usage-copy'), { recursive: true });
    const family = await build(archive, { k: '5', queriesDir, datasets: ['cli-usage', 'cli-usage-copy'] });
    expect(family.logLines.some((line) => line.includes('protected a family of event tables'))).toBe(true);
    expect(plain.tsv).toContain('Other');
    expect(family.tsv).toBe(plain.tsv);
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
