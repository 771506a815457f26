// `merge`: verifies every shard's output against its manifest, loads the shards' facts into the run's
// DuckDB in place of running the daily queries, and publishes exactly as a single-process `publish`
// (labels, protection, check, write, catalog last under the target's lock). Removes the run's staging
// area once published.
import { join } from 'node:path';
import { listValue } from '@duckdb/node-api';
import type { Settings } from '../config.js';
import { PublisherError } from '../core/errors.js';
import { fileDigest } from '../core/hash.js';
import { formatQuarter, parseQuarter } from '../core/quarter.js';
import type { Quarter } from '../core/release.js';
import { type Duck, quotedIdentifier as id } from '../engine/duck.js';
import { datasetTables } from '../engine/tables.js';
import { buildPrefixGeo } from '../ingest/geo.js';
import {
  type IngestedEvents,
  overRejectLimit,
  REJECT_REASONS,
  type RejectReason,
  tooManyRejects,
  type WorstFile,
} from '../ingest/index.js';
import { WORST_FILES } from '../ingest/ingest.js';
import type { FactsSource } from '../pipeline.js';
import { type RunContext, type RunSummary, runPublish } from '../publish/publish.js';
import { openStore, type Store } from '../publish/store/index.js';
import { createArchiveMachines } from '../query/contract.js';
import type { DatasetDefinition } from '../query/dataset.js';
import { createReleaseTable, queryFacts } from '../query/facts.js';
import { PUBLISHED_EVENT_FIELDS } from '../write/check.js';
import {
  assertSamePlan,
  checkRunId,
  type ExchangeFile,
  type ExchangeKind,
  MANIFEST_FORMAT,
  manifestKey,
  parseJson,
  planKey,
  plannedPath,
  readPlan,
  type ShardManifest,
  type ShardPlan,
  shardPrefix,
  stagingPrefix,
} from './exchange.js';
import { isDaily, planSettings, runDatasets } from './plan.js';

/** A verified shard output file, downloaded into the merge's work folder. */
interface LocalFile extends ExchangeFile {
  path: string;
}

export async function runMerge(settings: Settings, runId: string, context: RunContext): Promise<RunSummary> {
  checkRunId(runId);
  if (settings.revise) {
    throw new PublisherError(
      'E_CONFIG',
      'setting `revise` is not supported by a sharded run: a revision compares two builds in one process; run `publish --revise` without --workers',
    );
  }
  const target = openStore(settings.target, { forcePathStyle: settings.s3ForcePathStyle, logger: context.logger });
  const { plan, sha256: planSha256 } = await readPlan(target, runId);
  const datasets = await runDatasets(settings);
  assertSamePlan(
    plan,
    settings.quarter ? formatQuarter(settings.quarter) : plan.quarter,
    await planSettings(settings, datasets),
    target.describe(planKey(runId)),
  );
  const quarter = parseQuarter(plan.quarter);
  const all = [...datasets.named, ...datasets.companions];
  const summary = await runPublish({ ...settings, quarter }, context, async (store, workDir) => {
    const outputs = await verifiedOutputs(store, plan, planSha256, all, workDir);
    return shardsSource(settings, quarter, plan, outputs, all);
  });
  if (!settings.dryRun) {
    // Published: the exchange files have done their work (a rerun of the merge makes a new plan first).
    const staged = await target.list(stagingPrefix(runId));
    for (const object of staged) await target.delete(object.key);
    context.logger.info("removed the run's staging area", {
      prefix: target.describe(stagingPrefix(runId)),
      objects: staged.length,
    });
  }
  return summary;
}

/** Every shard's manifest and files, checked against each other and downloaded; the first problem names its shard. */
async function verifiedOutputs(
  store: Store,
  plan: ShardPlan,
  planSha256: string,
  datasets: readonly DatasetDefinition[],
  workDir: string,
): Promise<Array<{ manifest: ShardManifest; files: LocalFile[] }>> {
  const expected = expectedFiles(datasets);
  const outputs: Array<{ manifest: ShardManifest; files: LocalFile[] }> = [];
  for (const shard of plan.shards) {
    const rerun = `rerun \`shard --run-id ${plan.runId} --index ${shard.index}\`, then merge again`;
    const key = manifestKey(plan.runId, shard.index);
    const bytes = await store.getBytes(key);
    if (!bytes) {
      throw new PublisherError(
        'E_ARCHIVE',
        `shard ${shard.index} of run "${plan.runId}" has no output (${store.describe(key)} is missing): ${rerun}`,
      );
    }
    const manifest = parseJson<ShardManifest>(
      bytes,
      `shard ${shard.index}'s manifest ${store.describe(key)}`,
      'E_ARCHIVE',
    );
    if (manifest.format !== MANIFEST_FORMAT || manifest.index !== shard.index || manifest.runId !== plan.runId) {
      throw new PublisherError(
        'E_ARCHIVE',
        `shard ${shard.index}'s manifest ${store.describe(key)} is not this shard's: ${rerun}`,
      );
    }
    if (manifest.planSha256 !== planSha256) {
      throw new PublisherError(
        'E_ARCHIVE',
        `shard ${shard.index}'s output was made from another plan of run "${plan.runId}" (the plan was made again since): ${rerun}`,
      );
    }
    const names = manifest.files.map((file) => file.name).sort();
    const missing = expected.filter((name) => !names.includes(name));
    if (missing.length > 0) {
      throw new PublisherError('E_ARCHIVE', `shard ${shard.index}'s manifest lists no ${missing.join(', ')}: ${rerun}`);
    }
    const files: LocalFile[] = [];
    for (const file of manifest.files) {
      const objectKey = `${shardPrefix(plan.runId, shard.index)}${file.name}`;
      const path = join(workDir, `shard-${shard.index}`, file.name);
      if (!(await store.head(objectKey))) {
        throw new PublisherError(
          'E_ARCHIVE',
          `shard ${shard.index}'s file ${store.describe(objectKey)} is missing: ${rerun}`,
        );
      }
      await store.download(objectKey, path);
      const digest = await fileDigest(path);
      if (digest.sha256 !== file.sha256 || digest.bytes !== file.bytes) {
        throw new PublisherError(
          'E_ARCHIVE',
          `shard ${shard.index}'s file ${store.describe(objectKey)} is corrupt (${digest.bytes} bytes, sha256 ${digest.sha256}; its manifest says ${file.bytes} bytes, sha256 ${file.sha256}): ${rerun}`,
        );
      }
      files.push({ ...file, path });
    }
    outputs.push({ manifest, files });
  }
  return outputs;
}

/** The files every shard must hand on for these datasets. */
function expectedFiles(datasets: readonly DatasetDefinition[]): string[] {
  const daily = datasets.filter(isDaily).map((dataset) => `facts-${dataset.name}.parquet`);
  const events = datasets.some((dataset) => !isDaily(dataset)) ? ['events.parquet'] : [];
  return [...daily, ...events, 'machines.parquet', 'values.parquet'].sort();
}

/** The facts of a sharded run: the daily datasets' from the shards' files, the others queried here. */
function shardsSource(
  settings: Settings,
  quarter: Quarter,
  plan: ShardPlan,
  outputs: ReadonlyArray<{ manifest: ShardManifest; files: LocalFile[] }>,
  datasets: readonly DatasetDefinition[],
): FactsSource {
  const filesOf = (kind: ExchangeKind, dataset?: string) =>
    outputs.flatMap(({ files }) => files.filter((file) => file.kind === kind && file.dataset === dataset));
  const wholeQuarter = datasets.some((dataset) => !isDaily(dataset));
  return {
    inputs: plan.shards.flatMap((shard) => shard.files.map((file) => ({ path: plannedPath(file), bytes: file.bytes }))),
    daysWithData: plan.shards.reduce((days, shard) => days + new Set(shard.files.map((file) => file.day)).size, 0),
    load: async (duck) => {
      const events = addedCounts(outputs.map(({ manifest }) => manifest));
      if (overRejectLimit(events, settings.maxBadShare)) {
        throw tooManyRejects(events, settings.maxBadShare, quarterWorstFiles(outputs.map(({ manifest }) => manifest)));
      }
      for (const dataset of datasets.filter(isDaily)) {
        await loadTable(duck, datasetTables(dataset.name).facts, filesOf('facts', dataset.name));
      }
      await loadTable(duck, '_shard_machines', filesOf('machines'));
      const [machines] = await duck.all<{ n: string }>(
        `SELECT count(*)::BIGINT AS n FROM (SELECT machine_id FROM _shard_machines GROUP BY machine_id HAVING bool_and(only_outside))`,
      );
      if (wholeQuarter) {
        // The quarter's events, for the datasets that need all of them; the check reads them too.
        await loadTable(duck, 'events', filesOf('events'), 'SELECT * REPLACE (CAST(metrics AS JSON) AS metrics)');
        await buildPrefixGeo(duck);
        await createArchiveMachines(duck);
      } else {
        await loadCheckedValues(duck, filesOf('values'));
      }
      await createReleaseTable(duck, quarter);
      return { ...events, excludedNonProductionMachines: Number(machines?.n ?? 0) };
    },
    facts: async (duck, dataset, perBatch) => {
      if (!isDaily(dataset)) return queryFacts(duck, dataset, quarter, settings.revise, perBatch);
      const table = datasetTables(dataset.name).facts;
      const columns = await duck.all<{ column_name: string }>(`DESCRIBE ${id(table)}`);
      return { table, columns: columns.map((column) => column.column_name).filter((name) => name !== '_events') };
    },
  };
}

/** A temp table of the files' rows, in shard order; every file's row count checked against its manifest. */
async function loadTable(duck: Duck, table: string, files: readonly LocalFile[], select = 'SELECT *'): Promise<void> {
  for (const file of files) {
    const [row] = await duck.all<{ rows: string }>(
      `SELECT sum(num_rows)::BIGINT AS rows FROM parquet_file_metadata($path)`,
      { path: file.path },
    );
    if (Number(row?.rows ?? -1) !== file.rows) {
      throw new PublisherError(
        'E_ARCHIVE',
        `shard file ${file.path} holds ${row?.rows} rows, its manifest says ${file.rows}: rerun its shard`,
      );
    }
  }
  await duck.run(`CREATE OR REPLACE TEMP TABLE ${id(table)} AS ${select} FROM read_parquet($files)`, {
    files: listValue(files.map((file) => file.path)),
  });
}

/**
 * Without a dataset that needs the quarter's events, `events` holds only what the independent check
 * reads of them: every machine, and every distinct IP prefix and published field's value.
 */
async function loadCheckedValues(duck: Duck, files: readonly LocalFile[]): Promise<void> {
  await loadTable(duck, '_shard_values', files);
  const fields = ['ip_prefix', ...PUBLISHED_EVENT_FIELDS];
  const columns = (chosen?: string) =>
    fields.map((field) => (field === chosen ? `value AS ${id(field)}` : `NULL::VARCHAR AS ${id(field)}`)).join(', ');
  await duck.run(`
    CREATE OR REPLACE TEMP TABLE events AS
      SELECT DISTINCT machine_id, ${columns()} FROM _shard_machines
      ${fields.map((field) => `UNION ALL SELECT DISTINCT NULL::UBIGINT AS machine_id, ${columns(field)} FROM _shard_values WHERE field = '${field}'`).join('\n      ')}`);
}

function addedCounts(manifests: readonly ShardManifest[]): Omit<IngestedEvents, 'excludedNonProductionMachines'> {
  const rejected = Object.fromEntries(REJECT_REASONS.map((reason) => [reason, 0])) as Record<RejectReason, number>;
  const sum = { eventsRead: 0, accepted: 0, files: 0, excludedOptOut: 0, excludedNonProduction: 0 };
  for (const { events } of manifests) {
    for (const key of Object.keys(sum) as Array<keyof typeof sum>) sum[key] += events[key];
    for (const reason of REJECT_REASONS) rejected[reason] += events.rejected[reason] ?? 0;
  }
  return { ...sum, rejected };
}

/** The quarter's worst files: every shard names its own worst, and a file is in one shard only. */
function quarterWorstFiles(manifests: readonly ShardManifest[]): WorstFile[] {
  return manifests
    .flatMap((manifest) => manifest.worstFiles)
    .sort((a, b) => b.rejected - a.rejected || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
    .slice(0, WORST_FILES);
}
