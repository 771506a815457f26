// A queries folder holding a family of event tables for tests: the cube (cli-usage) and a marginal
// (cli-usage-sdk: day x SDKVersion x OSFamily) over the same events, each with a population when given.
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { folderIn } from './build.js';

export /** cli-usage and cli-usage-sdk (day x SDKVersion x OSFamily), each with `population` when given. */
async function familyQueries(parent: string, population: { cube?: string; sdk?: string }): Promise<string> {
  const queriesDir = await folderIn(parent, 'queries-');
  for (const name of ['cli-usage', 'cli-usage-sdk']) {
    await cp(join(process.cwd(), 'queries', 'cli-usage'), join(queriesDir, name), { recursive: true });
  }
  const cubePath = join(queriesDir, 'cli-usage', 'dataset.json');
  // The bundled cube declares the bundled family's population: each test sets its own, or none.
  const { population: _bundled, ...cube } = JSON.parse(await readFile(cubePath, 'utf8'));
  await writeFile(cubePath, JSON.stringify({ ...cube, ...(population.cube ? { population: population.cube } : {}) }));
  const keep = new Set(['Timestamp', 'Occurrences', 'SDKVersion', 'OSFamily']);
  const sdk = {
    ...cube,
    title: 'CLI usage by SDK',
    grain: 'one UTC day x SDKVersion x OSFamily',
    columns: cube.columns.filter((column: { name: string }) => keep.has(column.name)),
    dimensions: cube.dimensions.filter((dimension: { column: string }) => keep.has(dimension.column)),
    remainder: [['SDKVersion'], ['SDKVersion', 'OSFamily']],
    ...(population.sdk ? { population: population.sdk } : {}),
  };
  await writeFile(join(queriesDir, 'cli-usage-sdk', 'dataset.json'), JSON.stringify(sdk));
  return queriesDir;
}
