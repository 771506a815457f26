import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalStore } from '../../src/publish/store/index.js';
import { folderIn } from '../helpers/build.js';
import { cli } from '../helpers/cli.js';
import { describe, expect, it } from '../helpers/fixtures.js';
import { publishedFiles, writeShardedArchive } from './fixture.js';

const RUN = 'run-1';

// The three steps as a cluster runs them (one command each), on a local target: any shard can be
// rerun, and the merge refuses a shard output that is missing, corrupt or of another plan.
describe('plan, shard, merge', () => {
  it('a shard killed mid-run and rerun gives the single-process output; a missing or corrupt output fails the merge naming the shard', async ({
    tmp,
  }) => {
    const { common, single, target, step } = await shardedRun(tmp);

    const plan = await step('plan', '--shards', '2');
    expect(plan.code, plan.log.join('\n')).toBe(0);
    const planned = JSON.parse(await readFile(join(target, '_staging', RUN, 'plan.json'), 'utf8'));
    expect(
      planned.shards.map((shard: { firstDay: string; lastDay: string }) => [shard.firstDay, shard.lastDay]),
    ).toEqual([
      ['2026-07-01', '2026-08-01'],
      ['2026-08-20', '2026-09-30'],
    ]);

    // Shard 0 in a process of its own, killed once it has read its files.
    const killed = await killedShard([...['shard', ...common(target)], '--run-id', RUN, '--index', '0']);
    expect(killed).toBe('SIGKILL');
    // Shard 1 as an Indexed Job's pod runs it: the index from JOB_COMPLETION_INDEX.
    process.env.JOB_COMPLETION_INDEX = '1';
    const fromEnvironment = await step('shard').finally(() => delete process.env.JOB_COMPLETION_INDEX);
    expect(fromEnvironment.code, fromEnvironment.log.join('\n')).toBe(0);
    expect(fromEnvironment.stdout).toMatch(/^shard 1 of run run-1 \(2026-08-20 to 2026-09-30\)/);
    const missing = await step('merge');
    expect(missing.code).toBe(4);
    expect(missing.log.join('\n')).toMatch(
      /shard 0 of run "run-1" has no output \(.*shard-0000\/manifest\.json is missing\)/,
    );

    expect((await step('shard', '--index', '0')).code).toBe(0);
    // A shard file that no longer matches its manifest.
    const file = join(target, '_staging', RUN, 'shard-0001', 'facts-cli-usage.parquet');
    const good = await readFile(file);
    await writeFile(file, Buffer.concat([good.subarray(0, 100), Buffer.from('corrupt'), good.subarray(107)]));
    const corrupt = await step('merge');
    expect(corrupt.code).toBe(4);
    expect(corrupt.log.join('\n')).toMatch(/shard 1's file .*shard-0001\/facts-cli-usage\.parquet is corrupt/);
    // Nothing was published by either failed merge.
    expect(Object.keys(await publishedFiles(target))).toEqual([]);

    // A rerun of a shard replaces its output.
    expect((await step('shard', '--index', '1')).code).toBe(0);
    const merged = await step('merge');
    expect(merged.code, merged.log.join('\n')).toBe(0);
    expect(await publishedFiles(target)).toEqual(await publishedFiles(single));
    expect(await new LocalStore(target).list('_staging/')).toEqual([]);
  });

  it('with the labels step and every shard protecting its own days, the merge only writes: same output; each step refuses an earlier step that is missing, stale or corrupt', async ({
    tmp,
  }) => {
    const { common, single, target, step } = await shardedRun(tmp, { heavy: true });
    const staged = (...path: string[]) => join(target, '_staging', RUN, ...path);
    const ok = async (run: Promise<{ code: number; log: string[]; stdout: string }>) => {
      const done = await run;
      expect(done.code, done.log.join('\n')).toBe(0);
      return done;
    };

    await ok(step('plan', '--shards', '2'));
    await ok(step('shard', '--index', '0'));
    const early = await step('labels');
    expect(early.code).toBe(4);
    expect(early.log.join('\n')).toMatch(
      /shard 1 of run "run-1" has no output .*: rerun `shard --run-id run-1 --index 1`, then labels again/,
    );
    await ok(step('shard', '--index', '1'));
    const noLabels = await step('shard', '--cells', '--index', '0');
    expect(noLabels.code).toBe(4);
    expect(noLabels.log.join('\n')).toMatch(
      /the labels step of run "run-1" has no output \(.*labels\/labels\.json is missing\)/,
    );

    const labels = await ok(step('labels'));
    expect(labels.stdout).toMatch(/^labels of run run-1 decided for 7 daily dataset\(s\)/);
    // Shard 0's cells step killed midway: it leaves no cells.json, and the merge names the step to rerun.
    const killed = await killedShard(
      [...['shard', '--cells', ...common(target)], '--run-id', RUN, '--index', '0'],
      'protected dataset',
    );
    expect(killed).toBe('SIGKILL');
    await ok(step('shard', '--cells', '--index', '1'));
    const missing = await step('merge');
    expect(missing.code).toBe(4);
    expect(missing.log.join('\n')).toMatch(
      /shard 0's cells step of run "run-1" has no output \(.*shard-0000\/cells\.json is missing\): rerun `shard --cells --run-id run-1 --index 0`/,
    );
    await ok(step('shard', '--cells', '--index', '0'));

    // A protected rows file that no longer matches its manifest.
    const rows = staged('shard-0001', 'rows-cli-usage.parquet');
    const good = await readFile(rows);
    await writeFile(rows, Buffer.concat([good.subarray(0, 100), Buffer.from('corrupt'), good.subarray(107)]));
    const corrupt = await step('merge');
    expect(corrupt.code).toBe(4);
    expect(corrupt.log.join('\n')).toMatch(
      /shard 1's cells step's file .*shard-0001\/rows-cli-usage\.parquet is corrupt/,
    );
    await writeFile(rows, good);

    // Shard 1's facts made again (with other bytes) after the labels: its cells step and the merge refuse them.
    const manifestPath = staged('shard-0001', 'manifest.json');
    const manifest = await readFile(manifestPath, 'utf8');
    await writeFile(manifestPath, `${manifest.trimEnd()}\n\n`);
    for (const stale of [await step('shard', '--cells', '--index', '1'), await step('merge')]) {
      expect(stale.code).toBe(4);
      expect(stale.log.join('\n')).toMatch(
        /shard 1's facts were made again after the labels were decided: rerun `labels --run-id run-1`/,
      );
    }
    await writeFile(manifestPath, manifest);
    // A cells output of older labels (a labels step rerun since) is refused.
    const cellsPath = staged('shard-0000', 'cells.json');
    const cells = JSON.parse(await readFile(cellsPath, 'utf8'));
    await writeFile(cellsPath, JSON.stringify({ ...cells, labelsSha256: '0'.repeat(64) }));
    const older = await step('merge');
    expect(older.code).toBe(4);
    expect(older.log.join('\n')).toMatch(
      /shard 0's cells step built its rows with labels decided before the current ones/,
    );
    await ok(step('shard', '--cells', '--index', '0'));

    const merged = await ok(step('merge'));
    expect(merged.log.join('\n')).toMatch(/merging the shards' protected rows/);
    expect(merged.log.join('\n')).not.toMatch(/protected a family of event tables/);
    expect(await publishedFiles(target)).toEqual(await publishedFiles(single));
    expect(await new LocalStore(target).list('_staging/')).toEqual([]);
  });

  it('a shard or merge run with other settings than the plan is refused (exit 3), naming the setting', async ({
    tmp,
  }) => {
    const archive = await writeShardedArchive(tmp);
    const target = await folderIn(tmp, 'target-');
    const args = (command: string, ...more: string[]) => [
      command,
      ...['--archive', archive, '--target', target, '--dataset', 'cli-usage', '--k', '5', '--run-id', RUN, ...more],
    ];
    expect((await cli(args('plan', '--quarter', '2026-Q3', '--shards', '2'))).code).toBe(0);
    const otherQuarter = await cli(args('shard', '--quarter', '2026-Q2', '--index', '0'));
    expect(otherQuarter.code).toBe(3);
    expect(otherQuarter.log.join('\n')).toMatch(/made with other settings \(quarter: plan 2026-Q3, this run 2026-Q2\)/);
    const otherK = await cli([...args('merge'), '--k', '6']);
    expect(otherK.code).toBe(3);
    expect(otherK.log.join('\n')).toMatch(/k: plan 5, this run 6/);
    const noSuchShard = await cli(args('shard', '--index', '2'));
    expect(noSuchShard.code).toBe(2);
    expect(noSuchShard.log.join('\n')).toMatch(/0 to 1 \(run "run-1" has 2 shards\), got 2/);
    const noPlan = await cli([...args('merge').slice(0, -2), '--run-id', 'other']);
    expect(noPlan.code).toBe(3);
    expect(noPlan.log.join('\n')).toMatch(/no plan for run "other"/);
    await rm(target, { recursive: true });
  });
});

/**
 * The sharded archive published by one process into `single`, and the steps of run RUN into `target`
 * with the same settings (`common`).
 */
async function shardedRun(tmp: string, options: { heavy?: boolean } = {}) {
  const archive = await writeShardedArchive(tmp, options);
  const common = (target: string) => [
    ...['--archive', archive, '--target', target, '--quarter', '2026-Q3', '--dataset', 'cli-usage'],
    ...['--k', '5', '--max-bad-share', '0.05'],
  ];
  const single = await folderIn(tmp, 'single-');
  expect((await cli(['publish', ...common(single)])).code).toBe(0);
  const target = await folderIn(tmp, 'sharded-');
  const step = (command: string, ...more: string[]) => cli([command, ...common(target), '--run-id', RUN, ...more]);
  return { common, single, target, step };
}

/** Runs a CLI command in a process of its own and SIGKILLs it once it logs `when` (by default: it has read the archive). */
async function killedShard(args: string[], when = 'read archive'): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, ['bin/telemetry-publisher.js', ...args, '--log-format', 'json'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr.on('data', (chunk: Buffer) => {
    if (chunk.toString().includes(when)) child.kill('SIGKILL');
  });
  return new Promise((done) => child.on('close', (_code, signal) => done(signal)));
}
