// Property: random small archives, published as a family (the cube and SDKVersion x OSFamily, protected
// together), pass the audit's own re-derivation of the family's cross-classification. The guard: the
// same archives published with each table protected alone must leak on some of them, or the archives
// would be too easy to say anything.
import { type ArchiveEvent, event } from '../helpers/archive.js';
import { folderIn, writeArchive } from '../helpers/build.js';
import { cli, quarterArgs } from '../helpers/cli.js';
import { familyQueries } from '../helpers/family-queries.js';
import { describe, expect, it } from '../helpers/fixtures.js';

const RUNS = 6;
const datasets = ['--dataset', 'cli-usage', '--dataset', 'cli-usage-sdk'];

/** A day of events from few machines and small value pools: remainder rows and small intersections abound. */
function randomDay(seed: number): ArchiveEvent[] {
  let state = seed * 7919 + 17;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
  return Array.from({ length: 40 + next(40) }, () =>
    event({
      machine_id: `m${next(14)}`,
      command: ['build', 'run', 'test'][next(3)],
      sdk_version: ['8.0.100', '8.0.200', '9.0.100'][next(3)],
      os_family: ['Linux', 'Windows'][next(2)],
    }),
  );
}

async function audited(tmp: string, seed: number, population: { cube?: string; sdk?: string }) {
  const archive = await writeArchive(await folderIn(tmp, 'run-'), { '2026-07-01': randomDay(seed) });
  const target = await folderIn(tmp, 'target-');
  const place = (queriesDir: string) =>
    quarterArgs(archive, target, '--queries-dir', queriesDir, '--k', '3', ...datasets);
  const published = await cli(['publish', ...place(await familyQueries(tmp, population))]);
  if (published.code !== 0) return { published: false, violations: [] as string[] };
  const audit = await cli(['audit', ...place(await familyQueries(tmp, { cube: 'cli-usage', sdk: 'cli-usage' }))]);
  return { published: true, violations: audit.log.filter((line) => line.includes('audit violation')) };
}

describe('random families pass the audit', () => {
  it(`${RUNS} random archives: protected together, no figure under k is derivable; protected apart, some leak`, async ({
    tmp,
  }) => {
    let leakedApart = 0;
    for (let seed = 1; seed <= RUNS; seed++) {
      const together = await audited(tmp, seed, { cube: 'cli-usage', sdk: 'cli-usage' });
      expect(together.published, `seed ${seed}`).toBe(true);
      expect(together.violations, `seed ${seed}`).toEqual([]);
      const apart = await audited(tmp, seed, {});
      if (apart.violations.some((line) => line.includes('rule=derivable'))) leakedApart++;
    }
    expect(leakedApart).toBeGreaterThan(0);
  }, 300_000);
});
