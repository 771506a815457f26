// Which shard this process runs: `shard --index I`, or the index the scheduler gives each task of an
// array of identical tasks (a Kubernetes Indexed Job sets JOB_COMPLETION_INDEX, an AWS Batch array job
// AWS_BATCH_JOB_ARRAY_INDEX). One pure function, so the rules are the same on every engine.
import { PublisherError } from '../core/errors.js';

/** The environment variables an index may come from, in the order they are read. */
export const INDEX_VARIABLES = ['JOB_COMPLETION_INDEX', 'AWS_BATCH_JOB_ARRAY_INDEX'] as const;

type Source = { value: string; where: string };

/**
 * The shard index: `--index` if given, else the scheduler's variable. Every source that is set must be
 * a whole number from 0 up, and all of them must agree: a flag that disagrees with the scheduler would
 * run one shard twice and another never.
 */
export function shardIndexFrom(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): number {
  const sources: Source[] = [];
  if (flag !== undefined) sources.push({ value: flag, where: '--index' });
  for (const name of INDEX_VARIABLES) {
    const value = env[name];
    // An empty variable is an unset one (a template that left it blank), as for every TP_* setting.
    if (value !== undefined && value.trim() !== '') sources.push({ value, where: name });
  }
  if (sources.length === 0) {
    throw new PublisherError(
      'E_USAGE',
      `shard needs its index: --index I, or ${INDEX_VARIABLES.join(' or ')} in the environment (set by a Kubernetes Indexed Job or an AWS Batch array job)`,
    );
  }
  const indexes = sources.map((source) => ({ ...source, index: wholeNumber(source) }));
  const first = indexes[0]!;
  const other = indexes.find((source) => source.index !== first.index);
  if (other) {
    throw new PublisherError(
      first.where === '--index' ? 'E_USAGE' : 'E_CONFIG',
      `the shard index is ambiguous: ${first.where} is ${first.index} but ${other.where} is ${other.index}; give one of them, or make them agree`,
    );
  }
  return first.index;
}

function wholeNumber({ value, where }: Source): number {
  const trimmed = value.trim();
  const index = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isSafeInteger(index)) {
    throw new PublisherError(
      where === '--index' ? 'E_USAGE' : 'E_CONFIG',
      `${where} must be a whole number from 0 up (the shard's index), got ${JSON.stringify(value)}`,
    );
  }
  return index;
}
