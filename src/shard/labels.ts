// `labels`: the step between a sharded run's two shard steps. It loads every shard's facts, bounds
// them, and makes the quarter-wide decisions of every daily dataset's protection exactly as a single
// run makes them (labels judged on distinct machines over the whole quarter, key layout, remainder
// order), then hands them on: the decisions as JSON, their tables (labels, codes) as Parquet, under
// `_staging/<runId>/labels/`, `labels.json` put last. Each shard then builds and protects its own days
// with them (`shard --cells`), so the merge only writes. The labels step builds no row.
import { join } from 'node:path';
import type { Settings } from '../config.js';
import { PublisherError } from '../core/errors.js';
import type { Duck } from '../engine/duck.js';
import { decideFromFacts, type FactsSource } from '../pipeline.js';
import type { ProtectionDecisions } from '../protect/protect.js';
import type { RunContext } from '../publish/publish.js';
import type { Store } from '../publish/store/index.js';
import type { DatasetDefinition } from '../query/dataset.js';
import {
  JSON_OPTIONS,
  LABELS_FORMAT,
  type LabelsManifest,
  labelsKey,
  labelsPrefix,
  type ShardPlan,
} from './exchange.js';
import {
  addedCounts,
  inRunStep,
  loadedFacts,
  loadShardFacts,
  plannedDays,
  readStepManifest,
  type ShardOutput,
  verifiedOutputs,
} from './outputs.js';
import { isDaily } from './plan.js';
import {
  downloadVerified,
  type ExportedFile,
  exportTable,
  importTable,
  type LocalFile,
  putExported,
} from './tables.js';

export interface LabelsSummary {
  runId: string;
  datasets: string[];
  files: number;
  seconds: number;
  maxRssMiB: number;
}

export async function runLabels(settings: Settings, runId: string, context: RunContext): Promise<LabelsSummary> {
  const started = performance.now();
  const { logger } = context;
  return inRunStep(settings, runId, logger, async (run, workDir) => {
    const { target, plan, planSha256, quarter } = run;
    const daily = run.all.filter(isDaily);
    // Until the new decisions are put, no shard builds cells with the old ones (and the merge sees none).
    await target.delete(labelsKey(runId));
    const outputs = await verifiedOutputs(target, plan, planSha256, run.all, join(workDir, 'shards'), {
      kinds: ['facts'],
      afterwards: 'labels',
    });
    const exportDir = join(workDir, 'exchange');
    const source: FactsSource = {
      inputs: [],
      daysWithData: plannedDays(plan),
      load: async (duck) => {
        await loadShardFacts(duck, outputs, daily);
        return { ...addedCounts(outputs.map(({ manifest }) => manifest)), excludedNonProductionMachines: 0 };
      },
      facts: (duck, dataset) => loadedFacts(duck, dataset),
    };
    const exported = await decideFromFacts(
      settings,
      quarter,
      daily,
      join(workDir, 'build'),
      source,
      exportDir,
      (duck, decided) => exportDecisions(duck, exportDir, decided),
    );
    const manifest: LabelsManifest = {
      format: LABELS_FORMAT,
      version: 1,
      runId,
      planSha256,
      shardManifests: outputs.map(({ sha256 }) => sha256),
      datasets: exported.datasets,
      files: await putExported(target, labelsPrefix(runId), exportDir, exported.files),
    };
    // Last: the decisions are complete from here on.
    await target.putBytes(labelsKey(runId), `${JSON.stringify(manifest, null, 2)}\n`, JSON_OPTIONS);
    logger.info('decided the labels of the sharded run', {
      runId,
      datasets: daily.map((dataset) => dataset.name).join(','),
      files: manifest.files.length,
    });
    return {
      runId,
      datasets: daily.map((dataset) => dataset.name),
      files: manifest.files.length,
      seconds: (performance.now() - started) / 1000,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
    };
  });
}

/** The tables a dataset's decisions name: every dimension's labels and codes, and the time codes. */
function decisionTables(decisions: ProtectionDecisions): string[] {
  return [...decisions.labels.flatMap((label) => [label.table, `${label.table}_codes`]), decisions.layout.timeCodes];
}

async function exportDecisions(
  duck: Duck,
  exportDir: string,
  decided: ReadonlyArray<{ dataset: DatasetDefinition; decisions: ProtectionDecisions }>,
): Promise<{ datasets: LabelsManifest['datasets']; files: ExportedFile[] }> {
  const files: ExportedFile[] = [];
  for (const { dataset, decisions } of decided) {
    for (const table of decisionTables(decisions)) {
      files.push(
        await exportTable(duck, exportDir, `${table}.parquet`, 'decision', table, {
          dataset: dataset.name,
          table,
          typed: true,
        }),
      );
    }
  }
  return { datasets: decided.map(({ dataset, decisions }) => ({ dataset: dataset.name, decisions })), files };
}

export interface ReadLabels {
  manifest: LabelsManifest;
  sha256: string;
  /** The decision tables, downloaded and verified. */
  files: LocalFile[];
  decisionsOf(dataset: string): ProtectionDecisions;
}

/**
 * The labels step's output, checked to be of this plan and of the shards' current facts (`outputs`,
 * or only shard `index`'s); undefined when `optional` and the step has not run.
 */
export async function readLabels(
  store: Store,
  plan: ShardPlan,
  planSha256: string,
  outputs: readonly ShardOutput[],
  dir: string,
  options: { optional?: boolean } = {},
): Promise<ReadLabels | undefined> {
  const rerun = `rerun \`labels --run-id ${plan.runId}\`, then every shard's \`shard --cells\``;
  const read = await readStepManifest<LabelsManifest>(store, plan, planSha256, labelsKey(plan.runId), {
    format: LABELS_FORMAT,
    owner: 'the labels step',
    rerun,
    ...options,
  });
  if (!read) return undefined;
  for (const output of outputs) {
    if (read.manifest.shardManifests[output.manifest.index] !== output.sha256) {
      throw new PublisherError(
        'E_ARCHIVE',
        `shard ${output.manifest.index}'s facts were made again after the labels were decided: ${rerun}`,
      );
    }
  }
  const files = await downloadVerified(
    store,
    labelsPrefix(plan.runId),
    read.manifest.files,
    dir,
    'the labels step',
    rerun,
  );
  const byDataset = new Map(read.manifest.datasets.map((entry) => [entry.dataset, entry.decisions]));
  return {
    ...read,
    files,
    decisionsOf: (dataset) => {
      const decisions = byDataset.get(dataset);
      if (!decisions)
        throw new PublisherError('E_ARCHIVE', `the labels step decided nothing for dataset ${dataset}: ${rerun}`);
      return decisions;
    },
  };
}

/** The decision tables into the run's DuckDB, under the names the decisions use. */
export async function importDecisions(duck: Duck, labels: ReadLabels): Promise<void> {
  for (const file of labels.files) await importTable(duck, file.table!, [file]);
}
