// The option tables of every command: parseArgs reads them and --help is generated from them, so the
// help cannot list a flag the parser refuses, or miss one it takes.

export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** What the value looks like in the help (`N`, `DIR|s3://...`). */
  value?: string;
  help: string;
}

export type OptionTable = Record<string, OptionSpec>;

const COMMON = {
  quarter: { type: 'string', value: '2026-Q3', help: 'quarter (TP_QUARTER; default: the last complete UTC quarter)' },
  dataset: {
    type: 'string',
    multiple: true,
    value: 'NAME',
    help: 'dataset folder in queries/ (repeatable; TP_DATASETS; default: all)',
  },
  archive: { type: 'string', value: 'DIR|s3://...', help: 'event archive (TP_ARCHIVE; default: archive)' },
  target: { type: 'string', value: 'DIR|s3://...', help: 'where datasets are published (TP_TARGET; default: output)' },
  k: {
    type: 'string',
    value: 'N',
    help: "minimum distinct machines behind every row (default: the dataset's k; >= 2)",
  },
  'opt-out': { type: 'string', value: 'FILE', help: 'machine ids to exclude entirely, one a line' },
  'key-template': {
    type: 'string',
    value: 'T',
    help: 'object key of a quarter file (default {dataset}-{year}-q{quarter}.tsv)',
  },
  'memory-limit': {
    type: 'string',
    value: '4GB',
    help: 'DuckDB memory limit (TP_MEMORY_LIMIT; default: 35% of min(2 GiB, cgroup memory limit, RAM), a process budget of about 3x that: up to a 10M-event quarter with the family a run stays within 2 GiB; DuckDB spills the rest to disk)',
  },
  threads: { type: 'string', value: 'N', help: "DuckDB threads (default: DuckDB's, all cores)" },
  'temp-dir': {
    type: 'string',
    value: 'DIR',
    help: 'work folder parent and DuckDB spill (default: the OS temp folder)',
  },
  's3-force-path-style': { type: 'boolean', help: 'path-style S3 addressing (MinIO, Ceph)' },
  'queries-dir': { type: 'string', value: 'DIR', help: 'folder of dataset definitions (default: queries/)' },
  config: { type: 'string', value: 'FILE', help: 'JSON config file (TP_CONFIG)' },
  json: { type: 'boolean', help: 'print the result as JSON on stdout' },
} as const satisfies OptionTable;

const LOGGING = {
  'log-format': {
    type: 'string',
    value: 'json|text',
    help: 'log lines on stderr (TP_LOG_FORMAT; default: text on a terminal, JSON lines otherwise)',
  },
  help: { type: 'boolean', short: 'h', help: 'print this help' },
} as const satisfies OptionTable;

/** What the facts and their protection depend on besides COMMON: every step of a sharded run takes them. */
const BUILD = {
  'contribution-cap': {
    type: 'string',
    value: 'N',
    help: "events one machine may add to one row (default: the dataset's)",
  },
  'max-bad-share': { type: 'string', value: 'X', help: 'share of rejected events that fails the run (default 0.01)' },
} as const satisfies OptionTable;

const PUBLISHING = {
  'public-base-url': { type: 'string', value: 'URL', help: 'public base URL of the target, for the URL of every file' },
  'dry-run': { type: 'boolean', help: 'do everything but write to the target; keep the whole preview in a folder' },
} as const satisfies OptionTable;

const RUN_ID = {
  'run-id': {
    type: 'string',
    value: 'ID',
    help: "the sharded run: its plan and shards' outputs are under _staging/ID/ of the target",
  },
} as const satisfies OptionTable;

export const PUBLISH_OPTIONS = {
  ...COMMON,
  ...BUILD,
  ...PUBLISHING,
  revise: { type: 'boolean', help: 'publish revised figures for an already published quarter' },
  workers: {
    type: 'string',
    value: 'N',
    help: 'run as plan, N local shard processes and merge (docs/shards.md); same output as one process',
  },
  ...LOGGING,
} as const satisfies OptionTable;

export const PLAN_OPTIONS = {
  ...COMMON,
  ...BUILD,
  shards: { type: 'string', value: 'N', help: 'shards to cut the quarter into, by day (required; at most one a day)' },
  'run-id': { type: 'string', value: 'ID', help: 'the run to plan (default: a new id from the clock, printed)' },
  ...LOGGING,
} as const satisfies OptionTable;

export const SHARD_OPTIONS = {
  ...COMMON,
  ...BUILD,
  ...RUN_ID,
  index: {
    type: 'string',
    value: 'I',
    help: "the shard to run, 0 to N-1 of the run's plan (default: JOB_COMPLETION_INDEX, then AWS_BATCH_JOB_ARRAY_INDEX)",
  },
  cells: {
    type: 'boolean',
    help: "step 4: build and protect the shard's days with the labels step's decisions (default: step 2, its facts)",
  },
  ...LOGGING,
} as const satisfies OptionTable;

export const LABELS_OPTIONS = {
  ...COMMON,
  ...BUILD,
  ...RUN_ID,
  ...LOGGING,
} as const satisfies OptionTable;

export const MERGE_OPTIONS = {
  ...COMMON,
  ...BUILD,
  ...PUBLISHING,
  ...RUN_ID,
  ...LOGGING,
} as const satisfies OptionTable;

export const AUDIT_OPTIONS = { ...COMMON, ...LOGGING } as const satisfies OptionTable;

export const SAMPLE_OPTIONS = {
  out: { type: 'string', value: 'DIR', help: 'folder to write the archive to (required)' },
  seed: { type: 'string', value: 'N', help: 'random seed (default 1)' },
  events: { type: 'string', value: 'N', help: 'command events per quarter' },
  quarters: { type: 'string', value: 'N', help: 'quarters to write' },
  'end-quarter': { type: 'string', value: '2026-Q3', help: 'last quarter written (default: the last complete one)' },
  ...LOGGING,
} as const satisfies OptionTable;

export interface CommandSpec {
  summary: string;
  usage: string;
  options: OptionTable;
}

export const COMMANDS = {
  publish: {
    summary: 'Publish the last complete UTC quarter (or --quarter) from the archive to the target.',
    usage: 'telemetry-publisher publish [options]',
    options: PUBLISH_OPTIONS,
  },
  audit: {
    summary:
      'Recompute the quarter (and the previous one) from the archive with an independent implementation and check every published file, the catalog and the revisions.',
    usage: 'telemetry-publisher audit [options]',
    options: AUDIT_OPTIONS,
  },
  plan: {
    summary:
      "Sharded run, step 1: list the quarter and cut it into --shards N shards of days; the plan goes to the target's _staging/ folder.",
    usage: 'telemetry-publisher plan --shards N [--run-id ID] [options]',
    options: PLAN_OPTIONS,
  },
  shard: {
    summary:
      "Sharded run, step 2: one shard's facts (--index I of the plan) as Parquet in the staging folder; step 4 (--cells): its days' protected rows.",
    usage: 'telemetry-publisher shard [--cells] --run-id ID --index I [options]',
    options: SHARD_OPTIONS,
  },
  labels: {
    summary: "Sharded run, step 3: decide the quarter's labels from every shard's facts, for the shards' --cells step.",
    usage: 'telemetry-publisher labels --run-id ID [options]',
    options: LABELS_OPTIONS,
  },
  merge: {
    summary:
      "Sharded run, step 5: verify every shard's output, then write, check and publish as publish does (without steps 3 and 4 it protects the whole quarter itself).",
    usage: 'telemetry-publisher merge --run-id ID [options]',
    options: MERGE_OPTIONS,
  },
  sample: {
    summary: 'Write a synthetic event archive (--out DIR).',
    usage: 'telemetry-publisher sample --out DIR [options]',
    options: SAMPLE_OPTIONS,
  },
  start: {
    summary: 'Demo: write ./sample-archive if absent, then publish its last complete quarter to ./output.',
    usage: 'telemetry-publisher start [publish options]',
    options: PUBLISH_OPTIONS,
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

const EXIT_CODES_TEXT = `Exit codes: 0 ok, 1 internal error, 2 usage, 3 configuration, 4 archive unreadable, 5 too many bad
events, 6 privacy check failed, 7 storage failure, 8 target locked by another run, 9 audit violations.`;

/** The global help: commands, then where each command's options are listed. */
export function globalHelp(): string {
  const commands = Object.entries(COMMANDS).map(([name, spec]) => `  ${name.padEnd(9)} ${spec.summary}`);
  return [
    'Usage: telemetry-publisher <command> [options]',
    '',
    'Commands:',
    ...commands,
    '',
    'Options of a command: telemetry-publisher <command> --help',
    'telemetry-publisher --version prints the version.',
    'Settings: flags > TP_* environment variables > --config FILE / TP_CONFIG > defaults.',
    '',
    EXIT_CODES_TEXT,
  ].join('\n');
}

/** One command's help, generated from the table its parser uses. */
export function commandHelp(name: CommandName): string {
  const spec: CommandSpec = COMMANDS[name];
  const flags = Object.entries(spec.options).map(([flag, option]) => {
    const shortName = option.short ? `-${option.short}, ` : '';
    const value = option.type === 'string' ? ` ${option.value ?? 'VALUE'}` : '';
    return [`${shortName}--${flag}${value}`, option.help] as const;
  });
  const width = Math.max(...flags.map(([left]) => left.length)) + 2;
  return [
    `Usage: ${spec.usage}`,
    '',
    spec.summary,
    '',
    'Options:',
    ...flags.map(([left, text]) => `  ${left.padEnd(width)}${text}`),
    '',
    EXIT_CODES_TEXT,
  ].join('\n');
}
