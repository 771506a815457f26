import { readdir, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { resolveSettings } from '../../src/config.js';
import { machineMemoryLimit } from '../../src/engine/memory-budget.js';
import { LocalStore } from '../../src/publish/store/index.js';
import { shareOfHost } from '../../src/shard/workers.js';
import { folderIn } from '../helpers/build.js';
import { cli, quarterArgs } from '../helpers/cli.js';
import { describe, expect, it } from '../helpers/fixtures.js';
import { cubeOnlyQueries } from '../helpers/queries.js';
import { publishedFiles, writeShardedArchive } from './fixture.js';

// `publish --workers N` runs plan, N shard processes of the CLI and merge; whatever N, the target gets
// what a single-process `publish` gives it, byte for byte. Every dataset of queries/ is published:
// cli-usage (daily: its facts cross the exchange) and the installations population (quarter-wide: the
// shards hand on their events and the merge queries them).
describe('publish --workers N', () => {
  it('gives the single-process output for N = 1, 2 and 4, and leaves no staging area', async ({ tmp }) => {
    const archive = await writeShardedArchive(tmp, { heavy: true });
    const publish = (target: string, ...more: string[]) =>
      cli(['publish', ...quarterArgs(archive, target), '--k', '5', '--max-bad-share', '0.05', ...more]);
    const single = await folderIn(tmp, 'single-');
    const reference = await publish(single);
    expect(reference.code, reference.log.join('\n')).toBe(0);
    const expected = await publishedFiles(single);
    expect(Object.keys(expected)).toEqual(
      expect.arrayContaining(['cli-usage-2026-q3.tsv', 'installations-2026-q3.tsv', 'feature-usage-2026-q3.tsv']),
    );
    // The daily bound cut six machines, one of them for most of what it removed: the figure is withheld
    // (heavyMachines); the shards' reports must say the same, so their per-machine sums must be added.
    const report = JSON.parse(await readFile(join(single, 'cli-usage-2026-q3.privacy.json'), 'utf8'));
    expect(report.dailyContributionCap).toBe(1000);
    expect(report.eventsRemovedByDailyCap).toBeNull();
    expect(report.eventsRemovedByCap).not.toBeNull();
    for (const workers of [1, 2, 4]) {
      const target = await folderIn(tmp, `workers-${workers}-`);
      const run = await publish(target, '--workers', String(workers));
      expect(run.code, run.log.join('\n')).toBe(0);
      // Each shard's log reaches the run's log, tagged with its shard.
      for (let shard = 0; shard < workers; shard++)
        expect(run.log.join('\n')).toContain(`shard ${shard}: shard finished`);
      expect(await publishedFiles(target)).toEqual(expected);
      // The same summary: event counts added over the shards, machines counted once.
      expect(run.stdout.replaceAll(target, '<target>')).toBe(reference.stdout.replaceAll(single, '<target>'));
      expect(await new LocalStore(target).list('_staging/')).toEqual([]);
    }
  });

  it('judges the reject share over the whole quarter as one process does, and a rerun uploads nothing', async ({
    tmp,
  }) => {
    const archive = await writeShardedArchive(tmp);
    const publish = (target: string, ...more: string[]) =>
      cli([
        ...['publish', '--archive', archive, '--target', target, '--quarter', '2026-Q3', '--dataset', 'cli-usage'],
        ...['--k', '5', ...more],
      ]);
    // 1 bad line in 146 events, in one shard's days only: over a limit of 0.5%.
    const single = await publish(await folderIn(tmp, 'single-'), '--max-bad-share', '0.005');
    expect(single.code).toBe(5);
    const target = await folderIn(tmp, 'sharded-');
    const sharded = await publish(target, '--max-bad-share', '0.005', '--workers', '2');
    expect(sharded.code).toBe(5);
    const message = (log: string[]) => log.find((line) => / error /.test(line))!.replace(/^\S+ /, '');
    expect(message(sharded.log)).toBe(message(single.log));
    expect(await new LocalStore(target).list('')).toEqual([]);

    expect((await publish(target, '--max-bad-share', '0.05', '--workers', '2')).code).toBe(0);
    const rerun = await publish(target, '--max-bad-share', '0.05', '--workers', '2');
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toMatch(/objects written: 0/);
  });

  it('--dry-run publishes into the preview only: the target gets nothing, staging included', async ({ tmp }) => {
    const archive = await writeShardedArchive(tmp);
    const target = await folderIn(tmp, 'target-');
    const run = await cli([
      ...['publish', '--archive', archive, '--target', target, '--quarter', '2026-Q3', '--dataset', 'cli-usage'],
      ...['--k', '5', '--max-bad-share', '0.05', '--workers', '2', '--dry-run', '--temp-dir', tmp],
      // The cube alone: its 12 rows are the cube's own rules, before the family's linked suppression.
      ...['--queries-dir', await cubeOnlyQueries(tmp)],
    ]);
    expect(run.code, run.log.join('\n')).toBe(0);
    expect(run.stdout).toMatch(/cli-usage: dry-run, 12 rows/);
    expect(await new LocalStore(target).list('')).toEqual([]);
    expect(run.stdout).toContain(tmp);
  });

  it('refuses --revise (a revision compares two builds in one process) with exit 3, writing nothing', async ({
    tmp,
  }) => {
    const archive = await writeShardedArchive(tmp);
    const target = await folderIn(tmp, 'target-');
    const run = await cli(['publish', ...quarterArgs(archive, target), '--workers', '2', '--revise']);
    expect(run.code).toBe(3);
    expect(run.log.join('\n')).toMatch(/`revise` is not supported by a sharded run/);
    expect(await readdir(target)).toEqual([]);
    expect((await cli(['publish', '--target', join(tmp, 'x'), '--workers', '0'])).code).toBe(2);
  });
});

describe('shareOfHost', () => {
  it("gives each of N children 1/N of the cores and the run's memory limit (by default the job's: what a shard pod has)", async () => {
    const settings = await resolveSettings({}, {}, undefined);
    expect(settings.memoryLimit).toBe(await machineMemoryLimit());
    for (const n of [1, 2, 64]) {
      const child = shareOfHost(settings, n);
      expect(child.threads).toBe(Math.max(1, Math.floor(availableParallelism() / n)));
      expect(child.memoryLimit).toBe(settings.memoryLimit);
    }
    const set = shareOfHost({ ...settings, threads: 3, memoryLimit: '5GiB' }, 4);
    expect([set.threads, set.memoryLimit]).toEqual([3, '5GiB']);
  });
});
