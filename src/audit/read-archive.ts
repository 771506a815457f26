// The audit's own reading of the archive: the located input files (inputs.ts) read one at a time, each
// by its exact path (read-ndjson.ts, read-parquet.ts: no glob, no DuckDB reader, no code of src/ingest's
// reading), every record judged by the audit's contract (contract.ts), and the accepted events loaded
// into the audit's DuckDB as `events`, with the columns and types of the job's `events` view that the
// dataset queries read. Machine ids are hashed with DuckDB's hash(), as the job stores them, since the
// published files are judged by counts of machines. Then `prefix_geo` (the geography is data, not a
// reader: src/ingest/geo.ts) so the dataset queries run as they do in the job.
import { DuckDBTimestampTZValue } from '@duckdb/node-api';
import type { Logger } from '../core/log.js';
import type { Duck } from '../engine/duck.js';
import { buildPrefixGeo } from '../ingest/geo.js';
import { type AcceptedEvent, type AuditRejectReason, checkEvent, TEXT_FIELDS } from './contract.js';
import type { AuditInput, InputProblem } from './inputs.js';
import { readNdjson } from './read-ndjson.js';
import { readParquet } from './read-parquet.js';

export interface AuditRead {
  /** Records read (lines that are not blank, Parquet rows). */
  read: number;
  accepted: number;
  rejected: Partial<Record<AuditRejectReason, number>>;
  /** Accepted events of opted-out machines, left out. */
  optedOut: number;
  /** Files that could not be read to their end: their quarter cannot be judged. */
  problems: InputProblem[];
}

const STAGING = 'audit_accepted';

/** Reads every input into `events` (and `prefix_geo`); `optOut` holds raw machine ids to leave out. */
export async function readArchiveEvents(
  duck: Duck,
  inputs: readonly AuditInput[],
  optOut: ReadonlySet<string>,
  logger: Logger,
): Promise<AuditRead> {
  await duck.run(`
    CREATE OR REPLACE TEMP TABLE ${STAGING} (
      day VARCHAR, ts TIMESTAMPTZ, machine VARCHAR, ${TEXT_FIELDS.map((field) => `${field} VARCHAR`).join(', ')},
      exit_code BIGINT, is_container BOOLEAN, metrics VARCHAR)`);
  const result: AuditRead = { read: 0, accepted: 0, rejected: {}, optedOut: 0, problems: [] };
  const appender = await duck.connection.createAppender(STAGING);
  try {
    for (const input of inputs) {
      const onRecord = (record: unknown) => {
        result.read++;
        const checked = checkEvent(record, input.day);
        if (typeof checked === 'string') result.rejected[checked] = (result.rejected[checked] ?? 0) + 1;
        else if (optOut.has(checked.machineId)) result.optedOut++;
        else {
          result.accepted++;
          appendEvent(appender, checked);
        }
      };
      try {
        if (input.format === 'parquet') await readParquet(input.local, onRecord);
        else await readNdjson(input.local, onRecord);
      } catch (error) {
        result.problems.push({
          rule: 'input_unreadable',
          path: input.path,
          detail: `${input.source} cannot be read to its end: ${(error as Error).message}`,
        });
      }
    }
  } finally {
    appender.closeSync();
  }
  await duck.run(`
    CREATE OR REPLACE TABLE events AS
      SELECT day::DATE AS day, ts, hash(machine) AS machine_id, event, command, exit_code, os_family, os_version,
             runtime_id, sdk_version, ip_prefix, environment, is_container, product, product_version,
             metrics::JSON AS metrics
      FROM ${STAGING};
    DROP TABLE ${STAGING};`);
  await buildPrefixGeo(duck);
  logger.info('audit read the archive', {
    files: inputs.length,
    records: result.read,
    accepted: result.accepted,
    optedOut: result.optedOut,
    ...result.rejected,
  });
  return result;
}

type Appender = Awaited<ReturnType<Duck['connection']['createAppender']>>;

function appendEvent(appender: Appender, event: AcceptedEvent): void {
  const text = (value: string | null) => (value === null ? appender.appendNull() : appender.appendVarchar(value));
  appender.appendVarchar(event.day);
  appender.appendTimestampTZ(new DuckDBTimestampTZValue(event.micros));
  appender.appendVarchar(event.machineId);
  for (const field of TEXT_FIELDS) text(event[field]);
  if (event.exitCode === null) appender.appendNull();
  else appender.appendBigInt(event.exitCode);
  if (event.isContainer === null) appender.appendNull();
  else appender.appendBoolean(event.isContainer);
  text(event.metrics);
  appender.endRow();
}
