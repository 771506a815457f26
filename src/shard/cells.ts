// `shard --cells --index I`: a shard's second step. With the quarter's decisions from the labels step,
// it builds and protects its own days as a single run does (rows batch by batch; a family of tables
// over the same events protected together, day by day: days never mix), and hands on every daily
// dataset's rows and packed record, typed, as Parquet beside its facts; `cells.json` put last. The
// merge then only writes and checks.
import { join } from 'node:path';
import type { Settings } from '../config.js';
import { PublisherError } from '../core/errors.js';
import type { Duck } from '../engine/duck.js';
import { buildShardCells, type FactsSource } from '../pipeline.js';
import { NO_DAILY_BOUND } from '../protect/contribution.js';
import { buildProtectedRows, type ProtectedDataset } from '../protect/protect.js';
import type { RunContext } from '../publish/publish.js';
import type { Store } from '../publish/store/index.js';
import type { DatasetDefinition } from '../query/dataset.js';
import { CELLS_FORMAT, type CellsManifest, cellsKey, JSON_OPTIONS, type ShardPlan, shardPrefix } from './exchange.js';
import { importDecisions, type ReadLabels, readLabels } from './labels.js';
import {
  inRunStep,
  loadedFacts,
  loadShardFacts,
  plannedDays,
  plannedShard,
  readStepManifest,
  verifiedOutputs,
  writtenFiles,
} from './outputs.js';
import { isDaily } from './plan.js';
import type { ShardSummary } from './shard.js';
import { downloadVerified, type ExportedFile, exportTable, type LocalFile, putExported } from './tables.js';

export async function runShardCells(
  settings: Settings,
  runId: string,
  index: number,
  context: RunContext,
): Promise<ShardSummary> {
  const started = performance.now();
  const { logger } = context;
  return inRunStep(settings, runId, logger, async (run, workDir) => {
    const { target, plan, planSha256, quarter } = run;
    const shard = plannedShard(plan, index);
    const daily = run.all.filter(isDaily);
    const own = await verifiedOutputs(target, plan, planSha256, run.all, join(workDir, 'shards'), {
      kinds: ['facts'],
      shards: [index],
      afterwards: 'labels, then every shard with --cells',
    });
    const labels = (await readLabels(target, plan, planSha256, own, join(workDir, 'labels')))!;
    // Inputs checked: until the new manifest is put, the merge sees this shard's cells as missing, never
    // as a mix of two runs (a refused run above left the earlier output as it was).
    await target.delete(cellsKey(runId, index));
    const exportDir = join(workDir, 'exchange');
    const source: FactsSource = {
      inputs: [],
      daysWithData: plannedDays(plan, [index]),
      load: async (duck) => {
        await importDecisions(duck, labels);
        await loadShardFacts(duck, own, daily);
        const { events } = own[0]!.manifest;
        return { ...events, excludedNonProductionMachines: 0 };
      },
      facts: (duck, dataset) => loadedFacts(duck, dataset),
      // The facts come bounded from the shard's first step; the quarter's bound figures are the merge's.
      protect: (duck, datasetRun, facts, options, log) =>
        buildProtectedRows(
          duck,
          datasetRun,
          facts,
          labels.decisionsOf(datasetRun.dataset.name),
          NO_DAILY_BOUND,
          options,
          log,
        ),
      protectsFamilies: false,
    };
    const exported = await buildShardCells(
      settings,
      logger,
      quarter,
      daily,
      join(workDir, 'build'),
      source,
      exportDir,
      (duck, results) => exportCells(duck, exportDir, results),
    );
    const files = await putExported(target, shardPrefix(runId, index), exportDir, exported);
    const manifest: CellsManifest = {
      format: CELLS_FORMAT,
      version: 1,
      runId,
      index,
      planSha256,
      labelsSha256: labels.sha256,
      files,
    };
    // Last: the shard's cells are complete from here on.
    await target.putBytes(cellsKey(runId, index), `${JSON.stringify(manifest, null, 2)}\n`, JSON_OPTIONS);
    logger.info("shard's cells finished", { runId, index, outputs: files.length });
    return {
      runId,
      index,
      firstDay: shard.firstDay,
      lastDay: shard.lastDay,
      files: 0,
      eventsRead: 0,
      written: writtenFiles(shardPrefix(runId, index), files),
      seconds: (performance.now() - started) / 1000,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
    };
  });
}

/** Every protected daily dataset's rows and packed record, with their types (keys may be 128-bit). */
async function exportCells(
  duck: Duck,
  exportDir: string,
  results: readonly ProtectedDataset[],
): Promise<ExportedFile[]> {
  const files: ExportedFile[] = [];
  for (const result of results) {
    const { name } = result.dataset;
    const { rows, packed } = result.tables;
    const typed = { dataset: name, typed: true };
    files.push(await exportTable(duck, exportDir, `rows-${name}.parquet`, 'rows', rows, typed));
    files.push(await exportTable(duck, exportDir, `packed-${name}.parquet`, 'packed', packed, typed));
  }
  return files;
}

/** Every shard's cells, checked to be built with these labels and downloaded, in shard order. */
export async function readCells(
  store: Store,
  plan: ShardPlan,
  planSha256: string,
  labels: ReadLabels,
  daily: readonly DatasetDefinition[],
  dir: string,
): Promise<LocalFile[]> {
  const files: LocalFile[] = [];
  for (const shard of plan.shards) {
    const owner = `shard ${shard.index}'s cells step`;
    const rerun = `rerun \`shard --cells --run-id ${plan.runId} --index ${shard.index}\`, then merge again`;
    const expected = daily.flatMap((dataset) => [`packed-${dataset.name}.parquet`, `rows-${dataset.name}.parquet`]);
    const key = cellsKey(plan.runId, shard.index);
    const cellsFormat = { format: CELLS_FORMAT, index: shard.index, owner, rerun, files: expected };
    const { manifest } = (await readStepManifest<CellsManifest>(store, plan, planSha256, key, cellsFormat))!;
    if (manifest.labelsSha256 !== labels.sha256) {
      throw new PublisherError(
        'E_ARCHIVE',
        `${owner} built its rows with labels decided before the current ones: ${rerun}`,
      );
    }
    files.push(
      ...(await downloadVerified(
        store,
        shardPrefix(plan.runId, shard.index),
        manifest.files,
        join(dir, `shard-${shard.index}`),
        owner,
        rerun,
      )),
    );
  }
  return files;
}
