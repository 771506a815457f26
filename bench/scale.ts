/**
 * npm run bench:scale: one Parquet quarter published by a single process and by `publish --workers N`
 * (plan, N shard processes, labels, N shard --cells processes, merge), each into a fresh local target:
 * wall time and peak RSS of every process (DuckDB's native memory included: each reports
 * process.resourceUsage().maxRSS), the serial steps' time (labels, merge) as a share of the
 * single-process run, whether both runs published the same bytes (their SHA256SUMS), and DuckDB alone
 * computing the same tables in the same run (bench/alone.ts), the bar for the single process.
 *
 * BENCH_SCALE_ARCHIVE=/work/bench-data/archive-parquet-10000000 npm run bench:scale   (default: the 50M quarter)
 * BENCH_SCALE_WORKERS=4          workers of the sharded run (default 2)
 * BENCH_SCALE_DATASETS=a,b       datasets (default cli-usage, as npm run bench)
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ShardedSummary } from '../src/shard/workers.js';
import { duckdbAlone, familyOfCube } from './alone.js';

const ARCHIVE = process.env.BENCH_SCALE_ARCHIVE ?? '/work/bench-data/archive-parquet-50000000';
const WORKERS = Number(process.env.BENCH_SCALE_WORKERS ?? 2);
const DATASETS = (process.env.BENCH_SCALE_DATASETS ?? 'cli-usage').split(',').filter(Boolean);
const QUARTER = process.env.BENCH_SCALE_QUARTER ?? '2026-Q3';
const K = 10;
const root = resolve('.bench');

interface Run {
  seconds: number;
  maxRssMiB: number;
  summary: ShardedSummary | Record<string, unknown>;
}

/** `publish` in a child of its own (bench/run-publish.ts), with its --json summary and its own peak RSS. */
function publish(target: string, ...more: string[]): Run {
  const child = spawnSync(
    process.execPath,
    [
      ...['--import', 'tsx', 'bench/run-publish.ts', 'publish', '--archive', ARCHIVE, '--target', target],
      ...['--quarter', QUARTER, ...DATASETS.flatMap((name) => ['--dataset', name]), '--k', String(K)],
      ...['--temp-dir', join(root, 'tmp'), '--json', ...more],
    ],
    { encoding: 'utf8', maxBuffer: 256 * 2 ** 20, env: { ...process.env, BENCH_STDOUT: '1' } },
  );
  const line = child.stderr.split('\n').find((text) => text.startsWith('BENCH '));
  if (child.status !== 0 || !line) throw new Error(`publish failed (${child.status}):\n${child.stderr.slice(-4000)}`);
  const timing = JSON.parse(line.slice(6)) as { seconds: number; maxRssMiB: number };
  return { ...timing, summary: JSON.parse(child.stdout) };
}

async function fresh(name: string): Promise<string> {
  const folder = join(root, name);
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  return folder;
}

if (!existsSync(ARCHIVE)) throw new Error(`no archive at ${ARCHIVE} (set BENCH_SCALE_ARCHIVE)`);
await mkdir(join(root, 'tmp'), { recursive: true });
console.log(`archive ${ARCHIVE}, ${QUARTER}, datasets ${DATASETS.join(', ')}, k=${K}, workers ${WORKERS}`);

// The bare aggregation in the same run (DuckDB alone, exact distinct machines, the same tables): the
// issue's bar for the single process is 1.5x it.
const family = DATASETS.length === 1 && DATASETS[0] === 'cli-usage' ? await familyOfCube() : undefined;
const alone = family
  ? await duckdbAlone(ARCHIVE, 'parquet', family, {
      scratch: await fresh('scale-alone'),
      k: K,
      cap: Number(process.env.TP_CONTRIBUTION_CAP ?? family[0]!.contributionCap),
    })
  : undefined;
const single = publish(await fresh('scale-single'));
const sharded = publish(await fresh('scale-sharded'), '--workers', String(WORKERS));
const { shards, steps } = sharded.summary as ShardedSummary;

const { labelsMaxRssMiB } = sharded.summary as ShardedSummary;
const rows: Array<[string, string, string]> = [
  ...(alone
    ? [
        ['DuckDB alone: the same tables, exact machines', alone.seconds.toFixed(1), alone.maxRssMiB.toFixed(0)] as [
          string,
          string,
          string,
        ],
      ]
    : []),
  ['single process: publish', single.seconds.toFixed(1), single.maxRssMiB.toFixed(0)],
  [`--workers ${WORKERS}: whole run`, sharded.seconds.toFixed(1), ''],
  [
    '  plan + labels + merge (the parent process)',
    (steps.planSeconds + steps.labelsSeconds + steps.mergeSeconds).toFixed(1),
    sharded.maxRssMiB.toFixed(0),
  ],
  ['  plan', steps.planSeconds.toFixed(1), ''],
  ['  shards: facts (in parallel)', steps.shardsSeconds.toFixed(1), ''],
  ...shards.map((shard): [string, string, string] => [
    `    shard ${shard.index} (${shard.firstDay} to ${shard.lastDay}, ${shard.files} files)`,
    shard.seconds.toFixed(1),
    shard.maxRssMiB.toFixed(0),
  ]),
  ['  labels', steps.labelsSeconds.toFixed(1), labelsMaxRssMiB.toFixed(0)],
  ['  shards: cells (in parallel)', steps.cellsSeconds.toFixed(1), ''],
  ...shards.map((shard): [string, string, string] => [
    `    shard ${shard.index} --cells`,
    shard.cells.seconds.toFixed(1),
    shard.cells.maxRssMiB.toFixed(0),
  ]),
  ['  merge', steps.mergeSeconds.toFixed(1), ''],
];
const width = Math.max(...rows.map(([name]) => name.length));
console.log(`\n| ${'step'.padEnd(width)} | wall s | peak RSS MiB |`);
console.log(`| ${'-'.repeat(width)} | ------ | ------------ |`);
for (const [name, seconds, rss] of rows)
  console.log(`| ${name.padEnd(width)} | ${seconds.padStart(6)} | ${rss.padStart(12)} |`);
const share = (seconds: number) => `${((100 * seconds) / single.seconds).toFixed(1)}%`;
console.log(
  `\nmerge step: ${share(steps.mergeSeconds)} of the single-process time (labels and merge, the serial steps: ${share(steps.labelsSeconds + steps.mergeSeconds)}); sharded run ${(sharded.seconds / single.seconds).toFixed(2)}x the single process`,
);
if (alone) console.log(`single process: ${(single.seconds / alone.seconds).toFixed(2)}x DuckDB alone (target <= 1.5)`);
const sums = async (name: string) => readFile(join(root, name, 'SHA256SUMS'), 'utf8');
console.log(
  (await sums('scale-single')) === (await sums('scale-sharded'))
    ? 'same bytes: both runs published the same SHA256SUMS'
    : 'DIFFERENT OUTPUT: the runs published different SHA256SUMS',
);
await rm(join(root, 'scale-single'), { recursive: true, force: true });
await rm(join(root, 'scale-alone'), { recursive: true, force: true });
await rm(join(root, 'scale-sharded'), { recursive: true, force: true });
