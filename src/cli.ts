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
  PUBLISH_OPTIONS,
  SAMPLE_OPTIONS,
} from './cli-options.js';
import { resolveSettings, type Settings } from './config.js';
import { EXIT_CODES, PublisherError } from './core/errors.js';
import { createLogger, LOG_FORMATS, type LogFormat, type Logger } from './core/log.js';
import { terminalOf } from './core/progress.js';
import { parseQuarter } from './core/quarter.js';
import { runPublish } from './publish/publish.js';
import { formatAudit, formatSummary } from './summary.js';

type PublishFlags = ReturnType<typeof parsePublishFlags>;

function parsePublishFlags(args: string[]) {
  return parseArgs({ args, options: PUBLISH_OPTIONS, allowPositionals: false, strict: true }).values;
}

function parseAuditFlags(args: string[]) {
  return parseArgs({ args, options: AUDIT_OPTIONS, allowPositionals: false, strict: true }).values;
}

function settingsFlags(
  values: PublishFlags | ReturnType<typeof parseAuditFlags>,
): Partial<Record<keyof Settings, string | boolean | string[] | undefined>> {
  return {
    quarter: values.quarter,
    datasets: values.dataset,
    archive: values.archive,
    target: values.target,
    k: values.k,
    contributionCap: 'contribution-cap' in values ? values['contribution-cap'] : undefined,
    optOut: values['opt-out'],
    publicBaseUrl: 'public-base-url' in values ? values['public-base-url'] : undefined,
    keyTemplate: values['key-template'],
    maxBadShare: 'max-bad-share' in values ? values['max-bad-share'] : undefined,
    memoryLimit: values['memory-limit'],
    threads: values.threads,
    tempDirectory: values['temp-dir'],
    s3ForcePathStyle: values['s3-force-path-style'],
    queriesDir: values['queries-dir'],
    revise: 'revise' in values ? values.revise : undefined,
    dryRun: 'dry-run' in values ? values['dry-run'] : undefined,
  };
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
        const values = parseUsage(() => parsePublishFlags(rest));
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
        const summary = await runPublish(settings, { logger, now: new Date(), progress });
        progress.stop();
        stdout.write(values.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
        return 0;
      }
      case 'audit': {
        const values = parseUsage(() => parseAuditFlags(rest));
        if (values.help) return help(stdout, command);
        useFormat(values['log-format']);
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
