#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { runAudit } from './audit/audit.js';
import {
  AUDIT_OPTIONS,
  COMMANDS,
  type CommandName,
  commandHelp,
  globalHelp,
  LABELS_OPTIONS,
  MERGE_OPTIONS,
  type OptionTable,
  PLAN_OPTIONS,
  PUBLISH_OPTIONS,
  SAMPLE_OPTIONS,
  SHARD_OPTIONS,
} from './cli-options.js';
import { resolveSettings, type Settings } from './config.js';
import { EXIT_CODES, PublisherError } from './core/errors.js';
import { createLogger, LOG_FORMATS, type LogFormat, type Logger } from './core/log.js';
import { terminalOf } from './core/progress.js';
import { parseQuarter } from './core/quarter.js';
import { runPublish } from './publish/publish.js';
import { runShardCells } from './shard/cells.js';
import { shardIndexFrom } from './shard/index-from-env.js';
import { runLabels } from './shard/labels.js';
import { runMerge } from './shard/merge.js';
import { MAX_SHARDS, newRunId, runPlan } from './shard/plan.js';
import { runShard } from './shard/shard.js';
import { runWorkers } from './shard/workers.js';
import { formatAudit, formatSummary } from './summary.js';

function parseFlags<T extends OptionTable>(args: string[], options: T) {
  return parseUsage(() => parseArgs({ args, options, allowPositionals: false, strict: true }).values);
}

type FlagValues = { [flag: string]: string | boolean | string[] | undefined };

function settingsFlags(values: FlagValues): Partial<Record<keyof Settings, string | boolean | string[] | undefined>> {
  return {
    quarter: values.quarter,
    datasets: values.dataset,
    archive: values.archive,
    target: values.target,
    k: values.k,
    contributionCap: values['contribution-cap'],
    optOut: values['opt-out'],
    publicBaseUrl: values['public-base-url'],
    keyTemplate: values['key-template'],
    maxBadShare: values['max-bad-share'],
    memoryLimit: values['memory-limit'],
    threads: values.threads,
    tempDirectory: values['temp-dir'],
    s3ForcePathStyle: values['s3-force-path-style'],
    queriesDir: values['queries-dir'],
    revise: values.revise,
    dryRun: values['dry-run'],
  };
}

/** The settings of a command's flags, the environment and the config file. */
function commandSettings(values: FlagValues & { config?: string }): Promise<Settings> {
  return resolveSettings(settingsFlags(values), process.env, values.config ?? process.env.TP_CONFIG);
}

function required(value: string | undefined, flag: string, command: string): string {
  if (value === undefined) throw new PublisherError('E_USAGE', `${command} needs ${flag} (see ${command} --help)`);
  return value;
}

function count(name: string, value: string, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max)
    throw new PublisherError('E_USAGE', `--${name} must be an integer from 1 to ${max}, got "${value}"`);
  return Number(value);
}

/**
 * Runs one command and returns its exit code. Without a logger (a real run), the log format comes from
 * --log-format, TP_LOG_FORMAT or the terminal, and a progress line is shown when stderr is a terminal.
 */
export async function main(
  argv: string[],
  givenLogger?: Logger,
  stdout: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const [command, ...rest] = argv;
  const terminal = terminalOf(process.stderr, process.env);
  let logger: Logger = givenLogger ?? createLogger(process.stderr, { format: terminal.defaultFormat });
  let progress = terminal.noProgress;
  // The real logger once the command's flags are known (the format is one of them).
  const useFormat = (flag: string | undefined): void => {
    if (givenLogger) return;
    const format = logFormat(flag, process.env.TP_LOG_FORMAT) ?? terminal.defaultFormat;
    const session = terminal.session(format);
    logger = session.logger;
    progress = session.progress;
  };
  try {
    switch (command) {
      case 'publish':
      case 'start': {
        const values = parseFlags(rest, PUBLISH_OPTIONS);
        if (values.help) return help(stdout, command);
        useFormat(values['log-format']);
        const flags = settingsFlags(values);
        if (command === 'start') {
          flags.archive ??= 'sample-archive';
          flags.target ??= 'output';
        }
        // Settings first: a bad one must stop the run before anything (the sample archive too) is written.
        const settings = await resolveSettings(flags, process.env, values.config ?? process.env.TP_CONFIG);
        if (command === 'start' && !(await exists(settings.archive))) {
          logger.info('no sample archive yet: writing one', { out: settings.archive });
          const { writeSampleArchive } = await import('../tools/sample/generate.js');
          await writeSampleArchive({ out: settings.archive, logger });
        }
        const context = { logger, now: new Date(), progress };
        const summary =
          values.workers !== undefined
            ? await runWorkers(settings, count('workers', values.workers, MAX_SHARDS), context)
            : await runPublish(settings, context);
        progress.stop();
        stdout.write(values.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
        return 0;
      }
      case 'audit': {
        const values = parseFlags(rest, AUDIT_OPTIONS);
        if (values.help) return help(stdout, command);
        useFormat(values['log-format']);
        const settings = await commandSettings(values);
        const result = await runAudit(settings, { logger, now: new Date() });
        stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatAudit(result));
        if (result.violations.length > 0) {
          throw new PublisherError(
            'E_AUDIT',
            `the audit found ${result.violations.length} violation(s) in ${settings.target}`,
          );
        }
        return 0;
      }
      case 'plan': {
        const values = parseFlags(rest, PLAN_OPTIONS);
        if (values.help) return help(stdout, command);
        useFormat(values['log-format']);
        const shards = count('shards', required(values.shards, '--shards N', 'plan'), MAX_SHARDS);
        const settings = await commandSettings(values);
        const now = new Date();
        const result = await runPlan(settings, shards, values['run-id'] ?? newRunId(now), { logger, now });
        stdout.write(
          values.json
            ? `${JSON.stringify(result, null, 2)}\n`
            : `run ${result.plan.runId}: ${result.plan.shards.length} shard(s) of ${result.plan.quarter}, plan at ${result.location}\n`,
        );
        return 0;
      }
      case 'shard': {
        const values = parseFlags(rest, SHARD_OPTIONS);
        if (values.help) return help(stdout, command);
        useFormat(values['log-format']);
        const runId = required(values['run-id'], '--run-id ID', 'shard');
        // A Kubernetes Indexed Job and an AWS Batch array job hand each copy its index in the environment.
        const index = shardIndexFrom(values.index, process.env);
        const settings = await commandSettings(values);
        const run = values.cells ? runShardCells : runShard;
        const summary = await run(settings, runId, index, { logger, now: new Date() });
        stdout.write(
          values.json
            ? `${JSON.stringify(summary, null, 2)}\n`
            : `shard ${summary.index} of run ${summary.runId} (${summary.firstDay} to ${summary.lastDay}): ${summary.files} files, ${summary.eventsRead} events read, ${summary.written.length} files written\n`,
        );
        return 0;
      }
      case 'labels': {
        const values = parseFlags(rest, LABELS_OPTIONS);
        if (values.help) return help(stdout, command);
        useFormat(values['log-format']);
        const runId = required(values['run-id'], '--run-id ID', 'labels');
        const settings = await commandSettings(values);
        const summary = await runLabels(settings, runId, { logger, now: new Date() });
        stdout.write(
          values.json
            ? `${JSON.stringify(summary, null, 2)}\n`
            : `labels of run ${summary.runId} decided for ${summary.datasets.length} daily dataset(s): ${summary.files} files written\n`,
        );
        return 0;
      }
      case 'merge': {
        const values = parseFlags(rest, MERGE_OPTIONS);
        if (values.help) return help(stdout, command);
        useFormat(values['log-format']);
        const runId = required(values['run-id'], '--run-id ID', 'merge');
        const settings = await commandSettings(values);
        const summary = await runMerge(settings, runId, { logger, now: new Date(), progress });
        progress.stop();
        stdout.write(values.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
        return 0;
      }
      case 'sample': {
        const values = parseUsage(
          () => parseArgs({ args: rest, options: SAMPLE_OPTIONS, allowPositionals: false, strict: true }).values,
        );
        if (values.help) return help(stdout, command);
        useFormat(values['log-format']);
        if (!values.out) throw new PublisherError('E_USAGE', 'sample needs --out DIR (see sample --help)');
        const { writeSampleArchive } = await import('../tools/sample/generate.js');
        const summary = await writeSampleArchive({
          out: values.out,
          ...(values.seed !== undefined ? { seed: positiveInteger('seed', values.seed) } : {}),
          ...(values.events !== undefined ? { commandEvents: positiveInteger('events', values.events) } : {}),
          ...(values.quarters !== undefined ? { quarters: positiveInteger('quarters', values.quarters) } : {}),
          ...(values['end-quarter'] !== undefined ? { endQuarter: parseQuarter(values['end-quarter']) } : {}),
          logger,
        });
        stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        return 0;
      }
      case '--version':
      case '-V':
      case 'version':
        stdout.write(`telemetry-publisher ${packageVersion()}\n`);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        return help(stdout, rest[0] && rest[0] in COMMANDS ? (rest[0] as CommandName) : undefined);
      default:
        throw new PublisherError(
          'E_USAGE',
          `unknown command "${command}" (commands: ${Object.keys(COMMANDS).join(', ')}; --help, --version)`,
        );
    }
  } catch (error) {
    progress.stop();
    return report(error, logger);
  }
}

function logFormat(flag: string | undefined, environment: string | undefined): LogFormat | undefined {
  const [value, source] = flag !== undefined ? [flag, '--log-format'] : [environment, 'TP_LOG_FORMAT'];
  if (value === undefined || value === '') return undefined;
  if ((LOG_FORMATS as readonly string[]).includes(value)) return value as LogFormat;
  throw new PublisherError(
    flag !== undefined ? 'E_USAGE' : 'E_CONFIG',
    `${source} must be one of ${LOG_FORMATS.join(', ')}, got ${JSON.stringify(value)}`,
  );
}

function packageVersion(): string {
  const path = new URL('../package.json', import.meta.url);
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

function parseUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new PublisherError('E_USAGE', `${(error as Error).message} (see --help)`, { cause: error });
  }
}

function positiveInteger(name: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new PublisherError('E_USAGE', `--${name} must be an integer from 1 up, got "${value}"`);
  return Number(value);
}

function help(stdout: NodeJS.WritableStream, command?: CommandName): number {
  stdout.write(`${command ? commandHelp(command) : globalHelp()}\n`);
  return 0;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** The only place that turns errors into exit codes. */
function report(error: unknown, logger: Logger): number {
  if (error instanceof PublisherError) {
    logger.error(error.message, { code: error.code });
    return EXIT_CODES[error.code];
  }
  logger.error(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, {
    code: 'E_INTERNAL',
  });
  return EXIT_CODES.E_INTERNAL;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (invokedDirectly) {
  process.exitCode = await main(process.argv.slice(2));
}
