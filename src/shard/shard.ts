// `shard --index I`: reads only its shard's archive files, runs the daily datasets' queries up to their
// facts, and puts them (and what the merge needs besides: the ingest counts, the machines, the values
// the check compares cells with, and the events of datasets that need the whole quarter) as Parquet in
// the staging area. A rerun replaces the output: the manifest goes first and comes back last.
import { join } from 'node:path';
import type { ArchiveFile } from '../archive/index.js';
import { inputOf } from '../archive/index.js';
import type { Settings } from '../config.js';
import { PublisherError } from '../core/errors.js';
import { fileDigest } from '../core/hash.js';
import { formatQuarter, parseQuarter, quarterDays } from '../core/quarter.js';
import type { Quarter } from '../core/release.js';
import { createWorkDir, removeWorkDir } from '../core/work-dir.js';
import { type Duck, quotedIdentifier as id, quotedString } from '../engine/duck.js';
import { type IngestedEvents, worstFiles } from '../ingest/index.js';
import { archiveFiles, buildShardFacts } from '../pipeline.js';
import { type RunContext, tempRoot, WORK_DIR_PREFIX } from '../publish/publish.js';
import { openStore } from '../publish/store/index.js';
import type { DatasetDefinition } from '../query/dataset.js';
import type { QueryFacts } from '../query/facts.js';
import { PUBLISHED_EVENT_FIELDS } from '../write/check.js';
import {
  assertSamePlan,
  checkRunId,
  type ExchangeFile,
  type ExchangeKind,
  JSON_OPTIONS,
  MANIFEST_FORMAT,
  manifestKey,
  PARQUET_OPTIONS,
  type PlannedShard,
  planKey,
  plannedPath,
  readPlan,
  type ShardManifest,
  shardPrefix,
} from './exchange.js';
import { isDaily, planSettings, runDatasets } from './plan.js';

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
  checkRunId(runId);
  const target = openStore(settings.target, { forcePathStyle: settings.s3ForcePathStyle, logger });
  const { plan, sha256: planSha256 } = await readPlan(target, runId);
  const quarter = parseQuarter(plan.quarter);
  const datasets = await runDatasets({ ...settings, quarter });
  assertSamePlan(
    plan,
    settings.quarter ? formatQuarter(settings.quarter) : plan.quarter,
    await planSettings(settings, datasets),
    target.describe(planKey(runId)),
  );
  const shard = plan.shards[index];
  if (!Number.isSafeInteger(index) || !shard || shard.index !== index) {
    throw new PublisherError(
      'E_USAGE',
      `--index must be a shard of the plan, 0 to ${plan.shards.length - 1} (run "${runId}" has ${plan.shards.length} shards), got ${index}`,
    );
  }
  const all = [...datasets.named, ...datasets.companions];
  const daily = all.filter(isDaily);
  const wholeQuarter = all.some((dataset) => !isDaily(dataset));
  const workDir = await createWorkDir(await tempRoot(settings), WORK_DIR_PREFIX, logger);
  try {
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
    const written: ShardSummary['written'] = [];
    const described: ExchangeFile[] = [];
    for (const file of exported.files) {
      const path = join(exportDir, file.name);
      const digest = await fileDigest(path);
      const key = `${shardPrefix(runId, index)}${file.name}`;
      await target.putFile(key, path, PARQUET_OPTIONS);
      described.push({ ...file, ...digest });
      written.push({ key, rows: file.rows, ...digest });
    }
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
  } finally {
    await removeWorkDir(workDir);
    (target as { destroy?: () => void }).destroy?.();
  }
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
  files: Array<{ name: string; kind: ExchangeKind; dataset?: string; rows: number }>;
}

async function exportShard(
  duck: Duck,
  exportDir: string,
  events: IngestedEvents,
  facts: ReadonlyMap<DatasetDefinition, QueryFacts>,
  wholeQuarter: boolean,
): Promise<ExportedShard> {
  const files: ExportedShard['files'] = [];
  const copy = async (name: string, kind: ExchangeKind, select: string, dataset?: string) => {
    const path = join(exportDir, name);
    await duck.run(`COPY (${select}) TO ${quotedString(path)} (FORMAT parquet)`);
    const [row] = await duck.all<{ rows: string }>(
      `SELECT sum(num_rows)::BIGINT AS rows FROM parquet_file_metadata(${quotedString(path)})`,
    );
    files.push({ name, kind, ...(dataset ? { dataset } : {}), rows: Number(row?.rows ?? 0) });
  };
  for (const [dataset, result] of facts) {
    await copy(`facts-${dataset.name}.parquet`, 'facts', `SELECT * FROM ${id(result.table)}`, dataset.name);
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
