// A copy of a bundled dataset folder whose query.sql is rewritten, for tests of the query contract.
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { folderIn } from './build.js';

/** A queries folder holding `dataset` with `rewrite` applied to its query.sql (which must change it). */
export async function rewrittenQueries(
  parent: string,
  dataset: string,
  rewrite: (sql: string) => string,
): Promise<string> {
  const queriesDir = await folderIn(parent, 'queries-');
  await cp(join(process.cwd(), 'queries', dataset), join(queriesDir, dataset), { recursive: true });
  const sqlPath = join(queriesDir, dataset, 'query.sql');
  const sql = await readFile(sqlPath, 'utf8');
  const rewritten = rewrite(sql);
  if (rewritten === sql) throw new Error(`the rewrite left ${dataset}/query.sql unchanged`);
  await writeFile(sqlPath, rewritten);
  return queriesDir;
}

/** A queries folder holding `dataset` with `patch` merged into its dataset.json. */
export async function patchedDataset(parent: string, dataset: string, patch: Record<string, unknown>): Promise<string> {
  const queriesDir = await folderIn(parent, 'queries-');
  await cp(join(process.cwd(), 'queries', dataset), join(queriesDir, dataset), { recursive: true });
  const path = join(queriesDir, dataset, 'dataset.json');
  await writeFile(path, JSON.stringify({ ...JSON.parse(await readFile(path, 'utf8')), ...patch }, null, 2));
  return queriesDir;
}

/** A queries folder holding copies of these bundled dataset folders only. */
export async function queriesWith(parent: string, datasets: readonly string[]): Promise<string> {
  const queriesDir = await folderIn(parent, 'queries-');
  for (const name of datasets)
    await cp(join(process.cwd(), 'queries', name), join(queriesDir, name), { recursive: true });
  return queriesDir;
}

/**
 * A queries folder holding the cube alone: a test of the cube's own rules (every row that passes k is
 * published) runs without the bundled family, which may withhold such rows against differencing.
 */
export const cubeOnlyQueries = (parent: string): Promise<string> => queriesWith(parent, ['cli-usage']);
