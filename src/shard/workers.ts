// `publish --workers N`: the local runner of a sharded run. It runs the steps a cluster runs (plan, one
// `shard` process per shard, labels, one `shard --cells` process per shard, merge) with N child
// processes of this same CLI, so the path the cluster takes is the path the tests take. The staging area is removed whether the run succeeds or fails.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Settings } from '../config.js';
import { type ErrorCode, EXIT_CODES, PublisherError } from '../core/errors.js';
import { formatQuarter } from '../core/quarter.js';
import { quarterToPublish, type RunContext, type RunSummary } from '../publish/publish.js';
import { openStore } from '../publish/store/index.js';
import { stagingPrefix } from './exchange.js';
import { runLabels } from './labels.js';
import { runMerge } from './merge.js';
import { newRunId, runPlan } from './plan.js';
import type { ShardSummary } from './shard.js';

/** The CLI the children run: the same entry cron runs. */
const CLI_ENTRY = fileURLToPath(new URL('../../bin/telemetry-publisher.js', import.meta.url));

export interface ShardedSummary extends RunSummary {
  runId: string;
  shards: Array<
    Pick<ShardSummary, 'index' | 'firstDay' | 'lastDay' | 'files' | 'seconds' | 'maxRssMiB'> & {
      /** The shard's cells step (`shard --cells`): its days protected. */
      cells: Pick<ShardSummary, 'seconds' | 'maxRssMiB'>;
    }
  >;
  /** Wall time of each step, for the benchmark (bench/scale.ts). */
  steps: {
    planSeconds: number;
    shardsSeconds: number;
    labelsSeconds: number;
    cellsSeconds: number;
    mergeSeconds: number;
  };
  /** The labels step's peak resident memory (it runs in this process, before the merge). */
  labelsMaxRssMiB: number;
}

export async function runWorkers(settings: Settings, workers: number, context: RunContext): Promise<ShardedSummary> {
  const { logger } = context;
  const runId = newRunId(context.now);
  const quarter = quarterToPublish(settings, context.now);
  const pinned = { ...settings, quarter };
  const target = openStore(settings.target, { forcePathStyle: settings.s3ForcePathStyle, logger });
  const marks: number[] = [performance.now()];
  const mark = () => marks.push(performance.now());
  try {
    const { plan } = await runPlan(pinned, workers, runId, context, target);
    mark();
    // Every shard at once: a shard is one day range, and N is what the operator chose for this host.
    const children = shareOfHost(pinned, plan.shards.length);
    logger.info('starting the shard processes', {
      runId,
      shards: plan.shards.length,
      threads: children.threads,
      memoryLimit: children.memoryLimit,
    });
    const facts = await runShardChildren(children, runId, plan.shards.length, false, context);
    mark();
    const labels = await runLabels(pinned, runId, context);
    mark();
    const cells = await runShardChildren(children, runId, plan.shards.length, true, context);
    mark();
    const summary = await runMerge(pinned, runId, context);
    mark();
    const seconds = (step: number) => (marks[step + 1]! - marks[step]!) / 1000;
    return {
      ...summary,
      runId,
      steps: {
        planSeconds: seconds(0),
        shardsSeconds: seconds(1),
        labelsSeconds: seconds(2),
        cellsSeconds: seconds(3),
        mergeSeconds: seconds(4),
      },
      labelsMaxRssMiB: labels.maxRssMiB,
      shards: facts.map(({ index, firstDay, lastDay, files, seconds, maxRssMiB }, position) => ({
        index,
        firstDay,
        lastDay,
        files,
        seconds,
        maxRssMiB,
        cells: { seconds: cells[position]!.seconds, maxRssMiB: cells[position]!.maxRssMiB },
      })),
    };
  } finally {
    // The merge removes a published run's staging area; a failed run's goes too, as the work folder does.
    for (const object of await target.list(stagingPrefix(runId))) await target.delete(object.key);
    (target as { destroy?: () => void }).destroy?.();
  }
}

/** Every shard's step (facts, or with `cells` its days protected) as a child process at once; the first failure fails the run. */
async function runShardChildren(
  settings: Settings,
  runId: string,
  shards: number,
  cells: boolean,
  context: RunContext,
): Promise<ShardSummary[]> {
  const results = await Promise.allSettled(
    Array.from({ length: shards }, (_, index) => runShardChild(settings, runId, index, cells, context)),
  );
  const failed = results.findIndex((result) => result.status === 'rejected');
  if (failed >= 0) throw (results[failed] as PromiseRejectedResult).reason;
  return results.map((result) => (result as PromiseFulfilledResult<ShardSummary>).value);
}

/**
 * N shard processes share one host: unless set, each gets 1/N of the cores. Each keeps the run's
 * memory limit (by default the job's, a third of min(2 GiB, the host): what a shard pod runs with), so
 * a host runs N shards in what N pods would take.
 */
export function shareOfHost(settings: Settings, processes: number): Settings {
  const threads = settings.threads ?? Math.max(1, Math.floor(availableParallelism() / processes));
  return { ...settings, threads };
}

/** The flags that give a child exactly this run's settings (flags win over TP_* and the config file). */
export function shardArgs(settings: Settings, runId: string, index: number, cells = false): string[] {
  const optional = (flag: string, value: string | number | undefined): string[] =>
    value === undefined ? [] : [flag, String(value)];
  return [
    'shard',
    ...(cells ? ['--cells'] : []),
    ...['--run-id', runId, '--index', String(index)],
    ...['--archive', settings.archive, '--target', settings.target],
    ...(settings.quarter ? ['--quarter', formatQuarter(settings.quarter)] : []),
    ...settings.datasets.flatMap((dataset) => ['--dataset', dataset]),
    ...optional('--k', settings.k),
    ...optional('--contribution-cap', settings.contributionCap),
    ...optional('--opt-out', settings.optOut),
    ...optional('--max-bad-share', settings.maxBadShare),
    ...optional('--memory-limit', settings.memoryLimit),
    ...optional('--threads', settings.threads),
    ...optional('--temp-dir', settings.tempDirectory),
    ...optional('--queries-dir', settings.queriesDir),
    ...(settings.s3ForcePathStyle ? ['--s3-force-path-style'] : []),
    ...['--log-format', 'json', '--json'],
  ];
}

/** One `shard` child; its log lines are relayed through this run's logger, tagged with the shard. */
function runShardChild(
  settings: Settings,
  runId: string,
  index: number,
  cells: boolean,
  context: RunContext,
): Promise<ShardSummary> {
  const { logger } = context;
  const child = spawn(process.execPath, [CLI_ENTRY, ...shardArgs(settings, runId, index, cells)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let pending = '';
  let lastError = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) lastError = relay(line, index, logger) ?? lastError;
  });
  return new Promise((resolve, reject) => {
    child.on('error', (error) =>
      reject(new PublisherError('E_INTERNAL', `shard ${index} could not start: ${error.message}`, { cause: error })),
    );
    child.on('close', (code, signal) => {
      if (pending) lastError = relay(pending, index, logger) ?? lastError;
      if (code === 0) {
        try {
          resolve(JSON.parse(stdout) as ShardSummary);
        } catch (error) {
          reject(new PublisherError('E_INTERNAL', `shard ${index} printed no summary`, { cause: error }));
        }
        return;
      }
      const errorCode = (Object.entries(EXIT_CODES).find(([, exit]) => exit === code)?.[0] ??
        'E_INTERNAL') as ErrorCode;
      reject(
        new PublisherError(
          errorCode,
          `shard ${index} of run "${runId}" failed (${signal ? `killed by ${signal}` : `exit ${code}`})${lastError ? `: ${lastError}` : ''}; nothing was published`,
        ),
      );
    });
  });
}

/** Relays one JSON log line of a child; returns its message when it is an error. */
function relay(line: string, index: number, logger: RunContext['logger']): string | undefined {
  if (line.trim() === '') return undefined;
  try {
    const event = JSON.parse(line) as { level?: string; message?: string; fields?: Record<string, unknown> };
    const level = event.level === 'error' || event.level === 'warn' ? event.level : 'info';
    logger[level](`shard ${index}: ${event.message ?? ''}`, { ...event.fields, shard: index });
    return level === 'error' ? event.message : undefined;
  } catch {
    logger.warn(`shard ${index}: ${line}`, { shard: index });
    return undefined;
  }
}
