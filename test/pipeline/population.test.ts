import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { quarterDays } from '../../src/core/quarter.js';
import { type ArchiveEvent, snapshot, writeDayFile } from '../helpers/archive.js';
import { folderIn, Q3, writeArchive } from '../helpers/build.js';
import { cli } from '../helpers/cli.js';
import { describe, expect, it } from '../helpers/fixtures.js';

const DAY = quarterDays(Q3)[0]!;

/** An installation of the population on DAY; no projections counter, so no feature is reported by all. */
const member = (machine: string, metrics: Record<string, unknown>): ArchiveEvent =>
  snapshot(machine, DAY, {}, { projections_running: undefined, ...metrics });

// 20 installations in two sizes; 18 with 1 user and 2-5 projects, 2 (of the first size) with 50 users
// and 500 projects. At k=3 each feature has a suppressed bucket of 2, so within feature-usage no
// feature's total is known and nothing more needs suppressing; but the installations table publishes
// the total (10 + 10), and 20 minus a feature's published bucket (18) gives the suppressed one away,
// unless both are protected together.
const population = () =>
  Array.from({ length: 20 }, (_, i) =>
    member(`i${i}`, {
      ...(i < 2 ? { users: 50, projects: 500 } : { users: 1, projects: 3 }),
      ...(i < 10 ? {} : { core_count: 32 }),
    }),
  );

async function publish(archive: string, target: string, datasets: string[], extra: string[] = []) {
  const args = ['publish', '--archive', archive, '--target', target, '--quarter', '2026-Q3', '--k', '3'];
  return cli([...args, ...datasets.flatMap((dataset) => ['--dataset', dataset]), ...extra]);
}

const files = ['installations-2026-q3.tsv', 'feature-usage-2026-q3.tsv'];
const read = (target: string) => Promise.all(files.map((file) => readFile(join(target, file), 'utf8')));

describe('datasets of one population published in separate runs', () => {
  for (const order of [
    ['installations', 'feature-usage'],
    ['feature-usage', 'installations'],
  ]) {
    it(`publish what one joint run publishes (${order.join(', then ')}), and the audit finds nothing derivable`, async ({
      tmp,
    }) => {
      const archive = await writeArchive(tmp, { [DAY]: population() });
      const joint = await folderIn(tmp, 'tp-joint-');
      expect((await publish(archive, joint, ['installations', 'feature-usage'])).code).toBe(0);
      const separate = await folderIn(tmp, 'tp-separate-');
      for (const dataset of order) expect((await publish(archive, separate, [dataset])).code).toBe(0);
      expect(await read(separate)).toEqual(await read(joint));
      const audit = await cli(['audit', '--archive', archive, '--target', separate, '--quarter', '2026-Q3']);
      expect(audit.log.filter((line) => line.includes('audit violation'))).toEqual([]);
      expect(audit.code).toBe(0);
    });
  }

  it('refuse a dataset whose published companion the joint protection would now protect otherwise', async ({ tmp }) => {
    const archive = await writeArchive(tmp, { [DAY]: population() });
    const target = await folderIn(tmp, 'tp-diverged-');
    expect((await publish(archive, target, ['installations'])).code).toBe(0);
    // Late installations change what the joint protection gives for the frozen installations file.
    await writeDayFile(
      archive,
      DAY,
      'late',
      'ndjson',
      Array.from({ length: 4 }, (_, i) => member(`late${i}`, { projects: 3 })),
    );
    const before = await readFile(join(target, 'installations-2026-q3.tsv'), 'utf8');
    const run = await publish(archive, target, ['feature-usage']);
    expect(run.code).toBe(3);
    expect(run.log.join('\n')).toMatch(
      /dataset "installations" is protected together with "feature-usage".*publish them in one run/,
    );
    expect(await readFile(join(target, 'installations-2026-q3.tsv'), 'utf8')).toBe(before);
    await expect(readFile(join(target, 'feature-usage-2026-q3.tsv'), 'utf8')).rejects.toThrow(/ENOENT/);
  });
});
