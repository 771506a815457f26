// The family protection in a real build: the cube (cli-usage) and a marginal table (SDKVersion x
// OSFamily) over the same events. A marginal minus the cube rows of its value would give that value's
// events in a remainder row of the cube (2 machines, k = 3): the build must withhold a row so the
// difference cannot be taken; in a population of its own the marginal leaks (the control).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ArchiveEvent, machines } from '../helpers/archive.js';
import { build, parseTsv, writeArchive } from '../helpers/build.js';
import { familyQueries } from '../helpers/family-queries.js';
import { describe, expect, it } from '../helpers/fixtures.js';

const DAY = '2026-07-01';
const X = '8.0.100';
const W = '9.0.100';

const events: ArchiveEvent[] = [
  ...machines(3, 'x-build-', { command: 'build', sdk_version: X }),
  // SDK X's machines of `run` fall in the cube's remainder row (run, ..., Other) with one machine of W.
  ...machines(2, 'x-run-', { command: 'run', sdk_version: X }),
  ...machines(1, 'w-run-', { command: 'run', sdk_version: W }),
  ...machines(3, 'w-test-', { command: 'test', sdk_version: W }),
];

async function publishedFamily(tmp: string, population: { cube?: string; sdk?: string }) {
  const archive = await writeArchive(tmp, { [DAY]: events });
  const queriesDir = await familyQueries(tmp, population);
  const built = await build(archive, { k: '3', queriesDir, datasets: ['cli-usage', 'cli-usage-sdk'] });
  const [cube, sdk] = await Promise.all(
    built.datasets.map(async (dataset) => parseTsv(await readFile(dataset.file.localPath, 'utf8'))),
  );
  return { cube: cube!, sdk: sdk!, log: built.logLines };
}

/** The attack: the marginal of X minus every cube row of X, when all of them are published. */
function xEventsOutsideCubeRowsOfX(cube: Array<Record<string, string>>, sdk: Array<Record<string, string>>) {
  const marginal = sdk.find((row) => row.SDKVersion === X && row.OSFamily === 'Linux');
  const cubeOfX = cube.filter((row) => row.SDKVersion === X);
  if (marginal === undefined || cubeOfX.length === 0) return undefined;
  return Number(marginal.Occurrences) - cubeOfX.reduce((sum, row) => sum + Number(row.Occurrences), 0);
}

describe('a family of event tables in a build', () => {
  it('in separate populations, the marginal minus the cube gives the 2 machines of X in the remainder row', async ({
    tmp,
  }) => {
    const { cube, sdk } = await publishedFamily(tmp, {});
    expect(cube.find((row) => row.Command === 'run')).toMatchObject({ SDKVersion: 'Other', Occurrences: '3' });
    expect(xEventsOutsideCubeRowsOfX(cube, sdk)).toBe(2);
  });

  it('protected together, the difference cannot be taken: a row is withheld', async ({ tmp }) => {
    const { cube, sdk, log } = await publishedFamily(tmp, { cube: 'cli-usage', sdk: 'cli-usage' });
    expect(xEventsOutsideCubeRowsOfX(cube, sdk)).toBeUndefined();
    expect(log.some((line) => line.includes('protected a family of event tables'))).toBe(true);
    // Only what the attack needs is withheld: W's marginal and the cube's remainder row stay published.
    expect(sdk.find((row) => row.SDKVersion === W)).toMatchObject({ Occurrences: '4' });
    expect(cube.find((row) => row.Command === 'run')).toMatchObject({ Occurrences: '3' });
  });

  it('a value on exactly k machines appears in every table of the family', async ({ tmp }) => {
    const archive = await writeArchive(tmp, {
      [DAY]: [
        ...machines(3, 'x-', { command: 'build', sdk_version: X }),
        ...machines(4, 'w-', { command: 'test', sdk_version: W }),
      ],
    });
    const queriesDir = await familyQueries(tmp, { cube: 'cli-usage', sdk: 'cli-usage' });
    const built = await build(archive, { k: '3', queriesDir, datasets: ['cli-usage', 'cli-usage-sdk'] });
    const [cube, sdk] = await Promise.all(
      built.datasets.map(async (dataset) => parseTsv(await readFile(dataset.file.localPath, 'utf8'))),
    );
    expect(built.logLines.some((line) => line.includes('protected a family of event tables'))).toBe(true);
    expect(cube!.filter((row) => row.SDKVersion === X)).toMatchObject([{ Command: 'build', Occurrences: '3' }]);
    expect(sdk!.filter((row) => row.SDKVersion === X)).toMatchObject([{ OSFamily: 'Linux', Occurrences: '3' }]);
  });

  it.for(['cli-usage-sdk', 'cli-usage'])(
    'refuses a family whose tables do not count the same events (%s counts fewer)',
    async (fewer, { tmp }) => {
      const archive = await writeArchive(tmp, { [DAY]: events });
      const queriesDir = await familyQueries(tmp, { cube: 'cli-usage', sdk: 'cli-usage' });
      // One table leaves out the events of one command: the marginal's rows no longer sum the cube's inner cells.
      const query = join(queriesDir, fewer, 'query.sql');
      await writeFile(query, `${await readFile(query, 'utf8')}\n  AND e.command <> 'test'\n`);
      await expect(
        build(archive, { k: '3', queriesDir, datasets: ['cli-usage', 'cli-usage-sdk'] }),
      ).rejects.toMatchObject({
        code: 'E_CONFIG',
        message: expect.stringMatching(/family cli-usage: its tables do not count the same events \(3 facts/),
      });
    },
  );
});
