// `shard --index I`: reads only its shard's archive files, runs the daily datasets' queries up to their
// facts, and puts them (and what the merge needs besides: the ingest counts, the machines, the values
// the check compares cells with, and the events of datasets that need the whole quarter) as Parquet in
// the staging area. A rerun replaces the output: the manifest goes first and comes back last.
import { join } from 'node:path';
import type { ArchiveFile } from '../archive/index.js';
import { inputOf } from '../archive/index.js';
import type { Settings } from '../config.js';
import { PublisherError } from '../core/errors.js';
import { quarterDays } from '../core/quarter.js';
import type { Quarter } from '../core/release.js';
import { type Duck, quotedIdentifier as id, quotedString } from '../engine/duck.js';
import { datasetTables } from '../engine/tables.js';
import { type IngestedEvents, worstFiles } from '../ingest/index.js';
import { archiveFiles, buildShardFacts } from '../pipeline.js';
import type { RunContext } from '../publish/publish.js';
import type { DatasetDefinition } from '../query/dataset.js';
import type { QueryFacts } from '../query/facts.js';
import { PUBLISHED_EVENT_FIELDS } from '../write/check.js';
import {
  type ExchangeKind,
  JSON_OPTIONS,
  MANIFEST_FORMAT,
  manifestKey,
  type PlannedShard,
  plannedPath,
  type ShardManifest,
  shardPrefix,
} from './exchange.js';
import { inRunStep, plannedShard, writtenFiles } from './outputs.js';
import { isDaily } from './plan.js';
import { type ExportedFile, exportTable, putExported } from './tables.js';

export interface ShardSummary {
  runId: string;
  index: number;
  firstDay: string;
  lastDay: string;
  files: number;
  eventsRead: number;
  written: Array<{ key: string; rows: number; bytes: number; sha256: string }>;
  seconds: number;
  /** Peak resident memory of this process (DuckDB included), for the runner's and the benchmark's table. */
  maxRssMiB: number;
}

export async function runShard(
  settings: Settings,
  runId: string,
  index: number,
  context: RunContext,
): Promise<ShardSummary> {
  const started = performance.now();
  const { logger } = context;
  return inRunStep(settings, runId, logger, async (run, workDir) => {
    const { target, plan, planSha256, quarter, all } = run;
    const shard = plannedShard(plan, index);
    const daily = all.filter(isDaily);
    const wholeQuarter = all.some((dataset) => !isDaily(dataset));
    // Until the new manifest is put, the merge sees this shard as missing, never as a mix of two runs.
    await target.delete(manifestKey(runId, index));
    const files = plannedFiles(
      await archiveFiles(settings, quarter, workDir, logger, undefined, daysOf(quarter, shard)),
      shard,
      settings.archive,
    );
    const exportDir = join(workDir, 'exchange');
    const exported = await buildShardFacts(
      settings,
      logger,
      quarter,
      daily,
      files,
      join(workDir, 'build'),
      exportDir,
      (duck, events, facts) => exportShard(duck, exportDir, events, facts, wholeQuarter),
    );
    const described = await putExported(target, shardPrefix(runId, index), exportDir, exported.files);
    const written = writtenFiles(shardPrefix(runId, index), described);
    const manifest: ShardManifest = {
      format: MANIFEST_FORMAT,
      version: 1,
      runId,
      index,
      planSha256,
      events: exported.events,
      worstFiles: exported.worstFiles,
      files: described,
    };
    // Last: the shard's output is complete from here on.
    await target.putBytes(manifestKey(runId, index), `${JSON.stringify(manifest, null, 2)}\n`, JSON_OPTIONS);
    logger.info('shard finished', { runId, index, files: files.length, outputs: described.length });
    return {
      runId,
      index,
      firstDay: shard.firstDay,
      lastDay: shard.lastDay,
      files: files.length,
      eventsRead: exported.events.eventsRead,
      written,
      seconds: (performance.now() - started) / 1000,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
    };
  });
}

function daysOf(quarter: Quarter, shard: PlannedShard): string[] {
  return quarterDays(quarter).filter((day) => day >= shard.firstDay && day <= shard.lastDay);
}

/** The shard's files as the archive lists them now; a planned file gone or resized means a new plan. */
function plannedFiles(listed: readonly ArchiveFile[], shard: PlannedShard, archive: string): ArchiveFile[] {
  const byPath = new Map(listed.map((file) => [inputOf(file).path, file]));
  return shard.files.map((planned) => {
    const path = plannedPath(planned);
    const file = byPath.get(path);
    if (!file || file.bytes !== planned.bytes) {
      throw new PublisherError(
        'E_ARCHIVE',
        `archive file ${path} in ${archive} was ${file ? `rewritten (${planned.bytes} bytes when planned, ${file.bytes} now)` : 'removed'} after shard ${shard.index} was planned: make a new plan`,
      );
    }
    return file;
  });
}

interface ExportedShard {
  events: ShardManifest['events'];
  worstFiles: ShardManifest['worstFiles'];
  files: ExportedFile[];
}

async function exportShard(
  duck: Duck,
  exportDir: string,
  events: IngestedEvents,
  facts: ReadonlyMap<DatasetDefinition, QueryFacts>,
  wholeQuarter: boolean,
): Promise<ExportedShard> {
  const files: ExportedFile[] = [];
  const copy = async (name: string, kind: ExchangeKind, select: string, dataset?: string) => {
    files.push(await exportTable(duck, exportDir, name, kind, select, dataset ? { dataset } : {}));
  };
  for (const [dataset, result] of facts) {
    await copy(`facts-${dataset.name}.parquet`, 'facts', result.table, dataset.name);
    await copy(`bound-${dataset.name}.parquet`, 'bound', datasetTables(dataset.name).boundRemoved, dataset.name);
  }
  // Machines seen only outside production: a machine may be in several shards, so the merge counts them.
  await copy(
    'machines.parquet',
    'machines',
    `SELECT machine_id, bool_and(environment IS DISTINCT FROM 'production') AS only_outside FROM events GROUP BY machine_id`,
  );
  // The values the independent check tells a leaked identifier from a value some client sent.
  await copy(
    'values.parquet',
    'values',
    ['ip_prefix', ...PUBLISHED_EVENT_FIELDS]
      .map(
        (field) =>
          `SELECT DISTINCT ${quotedString(field)} AS field, ${id(field)}::VARCHAR AS value FROM events WHERE ${id(field)} IS NOT NULL`,
      )
      .join(' UNION ALL '),
  );
  if (wholeQuarter) await copy('events.parquet', 'events', 'SELECT * FROM events');
  const { excludedNonProductionMachines: _counted, ...counts } = events;
  return { events: counts, worstFiles: await worstFiles(duck), files };
}
