// The ingest stage: loads the archive's files into the run's DuckDB as `events` (validated, one set of
// rules for every format), removes opted-out machines and builds the prefix geography that dataset
// queries join. Hands on the event counts; the events themselves stay in DuckDB.
import type { ArchiveFile } from '../archive/index.js';
import { PublisherError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Progress } from '../core/progress.js';
import type { Duck } from '../engine/duck.js';
import { buildPrefixGeo, preloadGeography } from './geo.js';
import { type IngestResult, ingestArchive, type WorstFile, worstFiles } from './ingest.js';
import { applyOptOut, readOptOut } from './optout.js';

export { type IngestResult, REJECT_REASONS, type RejectReason, type WorstFile, worstFiles } from './ingest.js';

export interface IngestedEvents extends IngestResult {
  excludedOptOut: number;
  excludedNonProduction: number;
  /** Distinct machines or installations with only non-production events. */
  excludedNonProductionMachines: number;
}

export interface IngestOptions {
  /** Keep the events out of the database file (nothing after the run reads them). */
  temporary: boolean;
  /** The opt-out file: machine ids to exclude entirely. */
  optOut?: string;
  /** Share of rejected events that fails the run; unset, no share does (the audit reads what was published). */
  maxBadShare?: number;
  /** Files and days read, for the progress line on a terminal. */
  progress?: Progress;
}

export async function ingestEvents(
  duck: Duck,
  files: readonly ArchiveFile[],
  options: IngestOptions,
  logger: Logger,
): Promise<IngestedEvents> {
  const ingesting = ingestArchive(duck, files, logger, options.temporary, options.progress);
  // The IP range tables are parsed in JavaScript while DuckDB reads the archive, not before it starts.
  preloadGeography();
  const ingested = await ingesting;
  if (options.maxBadShare !== undefined) await failOnTooManyRejects(duck, ingested, options.maxBadShare);
  const excludedOptOut = options.optOut ? await applyOptOut(duck, await readOptOut(options.optOut)) : 0;
  const [nonProduction] = await duck.all<{ n: string; machines: string }>(`
      SELECT sum(outside)::BIGINT AS n, count(*) FILTER (WHERE outside = events)::BIGINT AS machines
      FROM (SELECT machine_id, count(*) AS events, count(*) FILTER (WHERE environment IS DISTINCT FROM 'production') AS outside
            FROM events GROUP BY machine_id)`);
  await buildPrefixGeo(duck);
  return {
    ...ingested,
    excludedOptOut,
    excludedNonProduction: Number(nonProduction?.n ?? 0),
    excludedNonProductionMachines: Number(nonProduction?.machines ?? 0),
  };
}

async function failOnTooManyRejects(duck: Duck, ingested: IngestResult, maxShare: number): Promise<void> {
  if (!overRejectLimit(ingested, maxShare)) return;
  throw tooManyRejects(ingested, maxShare, await worstFiles(duck));
}

/** Whether the rejected events are over `maxShare` of the events read. */
export function overRejectLimit(ingested: IngestResult, maxShare: number): boolean {
  const rejected = Object.values(ingested.rejected).reduce((sum, count) => sum + count, 0);
  return ingested.eventsRead > 0 && rejected / ingested.eventsRead > maxShare;
}

/** The error of a run over the reject limit, naming the worst files (worstFiles, or the shards' merged). */
export function tooManyRejects(ingested: IngestResult, maxShare: number, worst: readonly WorstFile[]): PublisherError {
  const rejected = Object.values(ingested.rejected).reduce((sum, count) => sum + count, 0);
  const reasons = Object.entries(ingested.rejected)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => `${reason}=${count}`)
    .join(', ');
  return new PublisherError(
    'E_BAD_INPUT',
    `${rejected} of ${ingested.eventsRead} events (${((100 * rejected) / ingested.eventsRead).toFixed(2)}%) were rejected, over the limit of ${(100 * maxShare).toFixed(2)}% (max-bad-share); nothing was published. Reasons: ${reasons}. Worst files: ${worst.map((file) => `${file.file} (${file.rejected} of ${file.events})`).join('; ')}`,
  );
}
