import { readFile } from 'node:fs/promises';
import { PublisherError } from './core/errors.js';
import { datasetKey, inputManifestKey, privacyReportKey } from './core/keys.js';
import { parseQuarter } from './core/quarter.js';
import type { Quarter } from './core/release.js';
import { isMemorySize, machineMemoryLimit } from './engine/memory-budget.js';
import { keyProblem } from './publish/store/_keys.js';
import type { DatasetDefinition } from './query/dataset.js';

/**
 * Settings come from, in order of precedence: command-line flags, environment variables (TP_*), an
 * optional JSON config file (`--config FILE` or TP_CONFIG), then defaults. Every setting is validated
 * here, once, and a bad one names itself, where it came from and what is accepted.
 */
export interface Settings {
  archive: string;
  target: string;
  quarter?: Quarter;
  datasets: string[];
  k?: number;
  contributionCap?: number;
  optOut?: string;
  publicBaseUrl?: string;
  /** Object key of a dataset's quarter file; placeholders {dataset}, {year}, {quarter}. */
  keyTemplate: string;
  /** Share of events that may be rejected before the run fails. */
  maxBadShare: number;
  /** DuckDB memory_limit; resolveSettings defaults it to 35% of min(2 GiB, cgroup limit, RAM). */
  memoryLimit?: string;
  threads?: number;
  tempDirectory?: string;
  s3ForcePathStyle: boolean;
  queriesDir?: string;
  dryRun: boolean;
  revise: boolean;
}

export const DEFAULTS = {
  archive: 'archive',
  target: 'output',
  keyTemplate: '{dataset}-{year}-q{quarter}.tsv',
  maxBadShare: 0.01,
} as const;

type Source = 'flag' | 'environment' | 'config file' | 'default';
type RawValue = string | number | boolean | string[] | undefined;

interface Spec {
  key: keyof Settings;
  env: string;
  parse: (value: RawValue, where: string) => Settings[keyof Settings];
}

const text =
  (name: string) =>
  (value: RawValue, where: string): string => {
    if (typeof value !== 'string' || value.trim() === '') throw invalid(name, value, where, 'a non-empty string');
    return value.trim();
  };
// Beyond 2^53 - 1 a number is no longer exact: `--k 99999999999999999999` would silently become another k.
const integer =
  (name: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  (value: RawValue, where: string): number => {
    const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < min || number > max)
      throw invalid(name, value, where, `an integer from ${min} up to ${max}`);
    return number;
  };
const share =
  (name: string) =>
  (value: RawValue, where: string): number => {
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isFinite(number) || number < 0 || number > 1)
      throw invalid(name, value, where, 'a number from 0 to 1, e.g. 0.01');
    return number;
  };
const bool =
  (name: string) =>
  (value: RawValue, where: string): boolean => {
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' && /^(1|true|yes)$/i.test(value)) return true;
    if (typeof value === 'string' && /^(0|false|no|)$/i.test(value)) return false;
    throw invalid(name, value, where, 'true or false');
  };
const list =
  (name: string) =>
  (value: RawValue, where: string): string[] => {
    const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
    if (!items || items.some((item) => typeof item !== 'string')) throw invalid(name, value, where, 'a list of names');
    return items.map((item) => item.trim()).filter(Boolean);
  };
const quarter = (value: RawValue, where: string): Quarter => {
  if (typeof value !== 'string') throw invalid('quarter', value, where, 'a quarter such as 2026-Q3');
  try {
    return parseQuarter(value);
  } catch {
    throw invalid('quarter', value, where, 'a quarter such as 2026-Q3');
  }
};
const KEY_TEMPLATE_ACCEPTED =
  "a relative object key with {dataset}, {year} and {quarter} ending in .tsv, '/'-separated, without '.' or '..' segments, backslashes or control characters, e.g. {dataset}-{year}-q{quarter}.tsv";
const keyTemplate = (value: RawValue, where: string): string => {
  const template = typeof value === 'string' ? value.trim() : '';
  const ok = ['{dataset}', '{year}', '{quarter}'].every((part) => template.includes(part)) && template.endsWith('.tsv');
  if (!ok) throw invalid('key-template', value, where, KEY_TEMPLATE_ACCEPTED);
  // The store's own key rules, on a rendered key: a key that escapes the target is refused before any write.
  const problem = keyProblem(datasetKey(template, 'dataset', { year: 2026, quarter: 1 }));
  if (problem) throw invalid('key-template', value, where, `${KEY_TEMPLATE_ACCEPTED} (a key it gives ${problem})`);
  return template;
};
const memory = (value: RawValue, where: string): string => {
  // The units DuckDB reads, from the one list of them (memoryBytes, engine/memory-budget.ts).
  const valid = typeof value === 'string' && isMemorySize(value);
  if (!valid) throw invalid('memory-limit', value, where, 'a size such as 4GB or 512MiB');
  return value.trim();
};

const MAX_THREADS = 1024;

const SPECS: Spec[] = [
  { key: 'archive', env: 'TP_ARCHIVE', parse: text('archive') },
  { key: 'target', env: 'TP_TARGET', parse: text('target') },
  { key: 'quarter', env: 'TP_QUARTER', parse: quarter },
  { key: 'datasets', env: 'TP_DATASETS', parse: list('dataset') },
  { key: 'k', env: 'TP_K', parse: integer('k', 2) },
  { key: 'contributionCap', env: 'TP_CONTRIBUTION_CAP', parse: integer('contribution-cap', 1) },
  { key: 'optOut', env: 'TP_OPT_OUT', parse: text('opt-out') },
  {
    key: 'publicBaseUrl',
    env: 'TP_PUBLIC_BASE_URL',
    parse: (value, where) => url(text('public-base-url')(value, where), where),
  },
  { key: 'keyTemplate', env: 'TP_KEY_TEMPLATE', parse: keyTemplate },
  { key: 'maxBadShare', env: 'TP_MAX_BAD_SHARE', parse: share('max-bad-share') },
  { key: 'memoryLimit', env: 'TP_MEMORY_LIMIT', parse: memory },
  // DuckDB accepts up to 2^31 - 1, but a process set to that hangs on exit (measured); 1024 is beyond any host's cores.
  { key: 'threads', env: 'TP_THREADS', parse: integer('threads', 1, MAX_THREADS) },
  { key: 'tempDirectory', env: 'TP_TEMP_DIR', parse: text('temp-dir') },
  { key: 's3ForcePathStyle', env: 'TP_S3_FORCE_PATH_STYLE', parse: bool('s3-force-path-style') },
  { key: 'queriesDir', env: 'TP_QUERIES_DIR', parse: text('queries-dir') },
  { key: 'dryRun', env: 'TP_DRY_RUN', parse: bool('dry-run') },
  { key: 'revise', env: 'TP_REVISE', parse: bool('revise') },
];

/** Every environment variable a setting is read from, and the two the CLI reads itself (cli.ts). */
export const SETTING_VARIABLES: readonly string[] = [...SPECS.map((spec) => spec.env), 'TP_CONFIG', 'TP_LOG_FORMAT'];

/** The flag name of a setting (`maxBadShare` -> `max-bad-share`). */
export function flagName(key: keyof Settings): string {
  if (key === 'datasets') return 'dataset';
  if (key === 'tempDirectory') return 'temp-dir';
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

function url(value: string, where: string): string {
  try {
    const parsed = new URL(value);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('not http');
    return value.replace(/\/+$/, '');
  } catch {
    throw invalid('public-base-url', value, where, 'an http(s) URL such as https://data.example.org/usage');
  }
}

function invalid(name: string, value: RawValue, where: string, accepted: string): PublisherError {
  return new PublisherError(
    'E_CONFIG',
    `setting \`${name}\` (${where}) must be ${accepted}, got ${JSON.stringify(value)}`,
  );
}

export async function resolveSettings(
  flags: Partial<Record<keyof Settings, RawValue>>,
  env: NodeJS.ProcessEnv = process.env,
  configFile: string | undefined = env.TP_CONFIG,
): Promise<Settings> {
  const file = configFile ? await readConfigFile(configFile) : {};
  const settings: Record<string, unknown> = {
    archive: DEFAULTS.archive,
    target: DEFAULTS.target,
    keyTemplate: DEFAULTS.keyTemplate,
    datasets: [],
    maxBadShare: DEFAULTS.maxBadShare,
    s3ForcePathStyle: false,
    dryRun: false,
    revise: false,
  };
  for (const spec of SPECS) {
    const candidates: Array<[Source, RawValue, string]> = [
      ['flag', flags[spec.key], `--${flagName(spec.key)}`],
      ['environment', env[spec.env] === '' ? undefined : env[spec.env], spec.env],
      ['config file', file[spec.key] as RawValue, `${configFile}: ${spec.key}`],
    ];
    const chosen = candidates.find(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0));
    if (chosen) settings[spec.key] = spec.parse(chosen[1], chosen[2]);
  }
  // Bounded by default (engine/memory-budget.ts): DuckDB's own default, 80% of RAM, grows with the quarter.
  settings.memoryLimit ??= await machineMemoryLimit();
  return settings as unknown as Settings;
}

async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new PublisherError('E_CONFIG', `config file ${path} cannot be read as JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new PublisherError('E_CONFIG', `config file ${path} must hold a JSON object`);
  }
  const known = new Set<string>(SPECS.map((spec) => spec.key));
  const unknown = Object.keys(parsed).filter((key) => !known.has(key));
  if (unknown.length) {
    throw new PublisherError(
      'E_CONFIG',
      `config file ${path}: unknown setting ${unknown.map((key) => `\`${key}\``).join(', ')} (known: ${[...known].join(', ')})`,
    );
  }
  return parsed as Record<string, unknown>;
}

/**
 * Every object key the run would write for these datasets must be a valid store key: checked before
 * anything is written anywhere (the work folder included), naming the setting.
 */
export function checkDatasetKeys(
  settings: Pick<Settings, 'keyTemplate'>,
  datasets: readonly Pick<DatasetDefinition, 'name'>[],
  quarter: Quarter,
): void {
  for (const dataset of datasets) {
    const key = datasetKey(settings.keyTemplate, dataset.name, quarter);
    for (const rendered of [key, privacyReportKey(key), inputManifestKey(key)]) {
      const problem = keyProblem(rendered);
      if (problem)
        throw new PublisherError(
          'E_CONFIG',
          `setting \`key-template\` ${JSON.stringify(settings.keyTemplate)} gives dataset "${dataset.name}" the object key ${JSON.stringify(rendered)}, which ${problem}`,
        );
    }
  }
}

/** One dataset's settings for one run, resolved once from the settings and the dataset's defaults. */
export interface DatasetRun {
  dataset: DatasetDefinition;
  quarter: Quarter;
  /** Minimum distinct machines behind every published row. */
  k: number;
  /** Events one machine may contribute to one row. */
  cap: number;
  /** Events one machine may contribute to the dataset on one day (unset: unbounded). */
  dailyCap?: number;
}

export function datasetRun(
  settings: Pick<Settings, 'k' | 'contributionCap'>,
  dataset: DatasetDefinition,
  quarter: Quarter,
): DatasetRun {
  return {
    dataset,
    quarter,
    k: settings.k ?? dataset.k,
    cap: settings.contributionCap ?? dataset.contributionCap,
    ...(dataset.dailyContributionCap === undefined ? {} : { dailyCap: dataset.dailyContributionCap }),
  };
}
