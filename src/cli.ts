#!/usr/bin/env node
import { access } from 'node:fs/promises';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { runAudit } from './audit/audit.js';
import { resolveSettings, type Settings } from './config.js';
import { EXIT_CODES, PublisherError } from './core/errors.js';
import { createLogger, type Logger } from './core/log.js';
import { parseQuarter } from './core/quarter.js';
import { runPublish } from './publish/publish.js';
import { formatAudit, formatSummary } from './summary.js';

const USAGE = `Usage: telemetry-publisher <command> [options]

Commands:
  publish   Publish the last complete UTC quarter (or --quarter) from the archive to the target.
  sample    Write a synthetic event archive (--out DIR).
  start     Demo: write ./sample-archive if absent, then publish its last complete quarter to ./output.
  audit     Recompute the quarter (and the previous one) from the archive with an independent
            implementation and check every published file, the catalog and the revisions.

publish options (flags > TP_* environment variables > --config FILE / TP_CONFIG > defaults):
  --quarter 2026-Q3        quarter to publish (default: the last complete UTC quarter)
  --dataset NAME           dataset folder in queries/ (repeatable; default: all)
  --archive DIR|s3://...   event archive (TP_ARCHIVE; default: archive)
  --target DIR|s3://...    where datasets are published (TP_TARGET; default: output)
  --k N                    minimum distinct machines behind every row (default: the dataset's k; >= 2)
  --contribution-cap N     events one machine may contribute to one row (default: the dataset's)
  --opt-out FILE           machine ids to exclude entirely, one a line
  --public-base-url URL    base URL of the target, to print the public URL of every file
  --key-template T         default {dataset}-{year}-q{quarter}.tsv
  --max-bad-share X        share of rejected events that fails the run (default 0.01)
  --memory-limit 4GB --threads N --temp-dir DIR   DuckDB resources
  --s3-force-path-style    path-style S3 addressing (MinIO, Ceph)
  --revise                 publish revised figures for an already published quarter
  --dry-run                do everything but write; keep the files for inspection
  --json                   print the run summary as JSON

sample options: --out DIR [--seed N] [--events N] [--quarters N]

Exit codes: 0 ok, 1 internal error, 2 usage, 3 configuration, 4 archive unreadable, 5 too many bad
events, 6 privacy check failed, 7 storage failure, 8 target locked by another run, 9 audit violations.`;

const PUBLISH_OPTIONS = {
  quarter: { type: 'string' },
  dataset: { type: 'string', multiple: true },
  archive: { type: 'string' },
  target: { type: 'string' },
  k: { type: 'string' },
  'contribution-cap': { type: 'string' },
  'opt-out': { type: 'string' },
  'public-base-url': { type: 'string' },
  'key-template': { type: 'string' },
  'max-bad-share': { type: 'string' },
  'memory-limit': { type: 'string' },
  threads: { type: 'string' },
  'temp-dir': { type: 'string' },
  's3-force-path-style': { type: 'boolean' },
  'queries-dir': { type: 'string' },
  config: { type: 'string' },
  revise: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

type PublishFlags = ReturnType<typeof parsePublishFlags>;

function parsePublishFlags(args: string[]) {
  return parseArgs({ args, options: PUBLISH_OPTIONS, allowPositionals: false, strict: true }).values;
}

function settingsFlags(values: PublishFlags): Partial<Record<keyof Settings, string | boolean | string[] | undefined>> {
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

export async function main(
  argv: string[],
  logger: Logger = createLogger(),
  stdout: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'publish':
      case 'start': {
        const values = parseUsage(() => parsePublishFlags(rest));
        if (values.help) return help(stdout);
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
        const summary = await runPublish(settings, { logger, now: new Date() });
        stdout.write(values.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
        return 0;
      }
      case 'audit': {
        const values = parseUsage(() => parsePublishFlags(rest));
        if (values.help) return help(stdout);
        const settings = await resolveSettings(
          settingsFlags(values),
          process.env,
          values.config ?? process.env.TP_CONFIG,
        );
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
      case 'sample': {
        const values = parseUsage(
          () =>
            parseArgs({
              args: rest,
              options: {
                out: { type: 'string' },
                seed: { type: 'string' },
                events: { type: 'string' },
                quarters: { type: 'string' },
                'end-quarter': { type: 'string' },
                help: { type: 'boolean', short: 'h' },
              },
              strict: true,
            }).values,
        );
        if (values.help) return help(stdout);
        if (!values.out) throw new PublisherError('E_USAGE', 'sample needs --out DIR');
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
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        return help(stdout);
      default:
        throw new PublisherError('E_USAGE', `unknown command "${command}" (commands: publish, audit, sample, start)`);
    }
  } catch (error) {
    return report(error, logger);
  }
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

function help(stdout: NodeJS.WritableStream): number {
  stdout.write(`${USAGE}\n`);
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
