// `merge`: verifies every shard's output against its manifest, loads the shards' facts into the run's
// DuckDB in place of running the daily queries, and publishes exactly as a single-process `publish`
// (catalog last under the target's lock). After a labels step and every shard's cells step, it loads
// the daily datasets' protected rows the shards built and only writes and checks them; without them it
// protects the whole quarter itself (labels, protection, families). Removes the run's staging area once
// published.
import { join } from 'node:path';
import type { Settings } from '../config.js';
import { PublisherError } from '../core/errors.js';
import type { Quarter } from '../core/release.js';
import { type Duck, quotedIdentifier as id } from '../engine/duck.js';
import { datasetTables } from '../engine/tables.js';
import { buildPrefixGeo } from '../ingest/geo.js';
import { overRejectLimit, tooManyRejects, type WorstFile } from '../ingest/index.js';
import { WORST_FILES } from '../ingest/ingest.js';
import type { FactsSource } from '../pipeline.js';
import { createCellTables } from '../protect/cells.js';
import { dailyBoundOfShards } from '../protect/contribution.js';
import { protectedDataset } from '../protect/protect.js';
import { type RunContext, type RunSummary, runPublish } from '../publish/publish.js';
import { createArchiveMachines } from '../query/contract.js';
import type { DatasetDefinition } from '../query/dataset.js';
import { createReleaseTable, queryFacts } from '../query/facts.js';
import { PUBLISHED_EVENT_FIELDS } from '../write/check.js';
import { readCells } from './cells.js';
import { plannedPath, type ShardManifest, type ShardPlan, stagingPrefix } from './exchange.js';
import { importDecisions, type ReadLabels, readLabels } from './labels.js';
import {
  addedCounts,
  closeRun,
  filesOf,
  loadedFacts,
  loadShardFacts,
  openRun,
  plannedDays,
  type ShardOutput,
  verifiedOutputs,
} from './outputs.js';
import { isDaily } from './plan.js';
import { importTable, type LocalFile, loadTable } from './tables.js';

export async function runMerge(settings: Settings, runId: string, context: RunContext): Promise<RunSummary> {
  if (settings.revise) {
    throw new PublisherError(
      'E_CONFIG',
      'setting `revise` is not supported by a sharded run: a revision compares two builds in one process; run `publish --revise` without --workers',
    );
  }
  const run = await openRun(settings, runId, context.logger);
  const { target, plan, planSha256, quarter, all } = run;
  try {
    const summary = await runPublish({ ...settings, quarter }, context, async (store, workDir) => {
      const outputs = await verifiedOutputs(store, plan, planSha256, all, workDir);
      const labels = await readLabels(store, plan, planSha256, outputs, join(workDir, 'labels'), { optional: true });
      const daily = all.filter(isDaily);
      const cells = labels && {
        labels,
        files: await readCells(store, plan, planSha256, labels, daily, join(workDir, 'cells')),
      };
      context.logger.info(
        cells
          ? "merging the shards' protected rows"
          : 'protecting the whole quarter in the merge (no labels step ran: the shards built no rows)',
        { runId, shards: plan.shards.length },
      );
      return shardsSource(settings, quarter, plan, outputs, all, cells);
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
  } finally {
    closeRun(run);
  }
}

/** The daily datasets' rows the shards built, and the decisions they were built with. */
interface ShardCells {
  labels: ReadLabels;
  files: LocalFile[];
}

/**
 * The facts of a sharded run: the daily datasets' from the shards' files, the others queried here.
 * With `cells`, the daily datasets come protected: their rows are the shards', their labels the labels step's.
 */
function shardsSource(
  settings: Settings,
  quarter: Quarter,
  plan: ShardPlan,
  outputs: readonly ShardOutput[],
  datasets: readonly DatasetDefinition[],
  cells: ShardCells | undefined,
): FactsSource {
  const wholeQuarter = datasets.some((dataset) => !isDaily(dataset));
  const daily = datasets.filter(isDaily);
  return {
    inputs: plan.shards.flatMap((shard) => shard.files.map((file) => ({ path: plannedPath(file), bytes: file.bytes }))),
    daysWithData: plannedDays(plan),
    load: async (duck) => {
      const events = addedCounts(outputs.map(({ manifest }) => manifest));
      if (overRejectLimit(events, settings.maxBadShare)) {
        throw tooManyRejects(events, settings.maxBadShare, quarterWorstFiles(outputs.map(({ manifest }) => manifest)));
      }
      await loadShardFacts(duck, outputs, daily);
      for (const dataset of daily) {
        await loadTable(duck, datasetTables(dataset.name).boundRemoved, filesOf(outputs, 'bound', dataset.name));
      }
      await loadTable(duck, '_shard_machines', filesOf(outputs, 'machines'));
      const [machines] = await duck.all<{ n: string }>(
        `SELECT count(*)::BIGINT AS n FROM (SELECT machine_id FROM _shard_machines GROUP BY machine_id HAVING bool_and(only_outside))`,
      );
      if (wholeQuarter) {
        // The quarter's events, for the datasets that need all of them; the check reads them too.
        await loadTable(
          duck,
          'events',
          filesOf(outputs, 'events'),
          'SELECT * REPLACE (CAST(metrics AS JSON) AS metrics)',
        );
        await buildPrefixGeo(duck);
        await createArchiveMachines(duck);
      } else {
        await loadCheckedValues(duck, filesOf(outputs, 'values'));
      }
      await createReleaseTable(duck, quarter);
      if (cells) await loadShardRows(duck, cells, daily);
      return { ...events, excludedNonProductionMachines: Number(machines?.n ?? 0) };
    },
    facts: async (duck, dataset, perBatch) =>
      isDaily(dataset) ? loadedFacts(duck, dataset) : queryFacts(duck, dataset, quarter, settings.revise, perBatch),
    // The shards bounded their days' facts; the quarter's figures are theirs, added per machine.
    dailyBound: async (duck, dataset) =>
      isDaily(dataset) ? dailyBoundOfShards(duck, datasetTables(dataset.name).boundRemoved) : undefined,
    ...(cells
      ? {
          protect: async (_duck, run, facts, options) =>
            isDaily(run.dataset)
              ? protectedDataset(run, facts, cells.labels.decisionsOf(run.dataset.name), options.dailyBound!, 0)
              : undefined,
          protectsFamilies: true,
        }
      : {}),
  };
}

/** The labels step's tables, and every daily dataset's rows and packed record from all shards. */
async function loadShardRows(duck: Duck, cells: ShardCells, daily: readonly DatasetDefinition[]): Promise<void> {
  await importDecisions(duck, cells.labels);
  for (const dataset of daily) {
    const decisions = cells.labels.decisionsOf(dataset.name);
    const tables = datasetTables(dataset.name);
    await createCellTables(duck, { ...dataset, remainder: decisions.remainder }, tables, decisions.layout);
    const of = (kind: 'rows' | 'packed') =>
      cells.files.filter((file) => file.kind === kind && file.dataset === dataset.name);
    await importTable(duck, tables.rows, of('rows'), true);
    await importTable(duck, tables.packed, of('packed'), true);
  }
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

/** The quarter's worst files: every shard names its own worst, and a file is in one shard only. */
function quarterWorstFiles(manifests: readonly ShardManifest[]): WorstFile[] {
  return manifests
    .flatMap((manifest) => manifest.worstFiles)
    .sort((a, b) => b.rejected - a.rejected || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
    .slice(0, WORST_FILES);
}
