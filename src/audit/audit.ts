// `telemetry-publisher audit`: judges what is published for the quarter (and the one before it) against
// the inputs each file was published from, with a second implementation of everything in between: its
// own reading of the archive files its input manifest lists (inputs.ts, read-archive.ts), its own
// recomputation of the rules (recompute.ts), then the comparisons (compare.ts) and the catalog's
// promises (catalog-check.ts). A late file added after publication is not an input of the quarter, so a
// correctly withheld revision shows no violation; an input that is gone or changed is one.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Settings } from '../config.js';
import { datasetKey, privacyReportKey } from '../core/keys.js';
import type { Logger } from '../core/log.js';
import { formatQuarter, lastCompleteQuarter, previousQuarter } from '../core/quarter.js';
import type { Quarter } from '../core/release.js';
import { createWorkDir, removeWorkDir } from '../core/work-dir.js';
import { openDuck } from '../engine/duck.js';
import { readOptOut } from '../ingest/optout.js';
import { openStore, type Store } from '../publish/store/index.js';
import { type DatasetDefinition, loadDatasets } from '../query/dataset.js';
import { createReleaseTable } from '../query/facts.js';
import { groupByPopulation, populationCompanions } from '../query/population.js';
import { catalogViolations } from './catalog-check.js';
import { type AuditViolation, compareTable, derivableRows, type PublishedTable } from './compare.js';
import { loadAuditFacts } from './facts.js';
import { familyViolations } from './family.js';
import { type InputProblem, locateInputs, type ManifestFile, readManifest } from './inputs.js';
import { readArchiveEvents } from './read-archive.js';
import { recompute } from './recompute.js';

export interface AuditResult {
  quarters: string[];
  tables: Array<{ dataset: string; quarter: string; rows: number; k: number }>;
  violations: AuditViolation[];
}

interface AuditContext {
  settings: Settings;
  target: Store;
  /** A local archive folder, or the store of an S3 archive. */
  archive: string | Store;
  /** Raw machine ids that contribute to nothing. */
  optOut: ReadonlySet<string>;
  logger: Logger;
}

export async function runAudit(settings: Settings, context: { logger: Logger; now: Date }): Promise<AuditResult> {
  const { logger, now } = context;
  const storeOptions = { forcePathStyle: settings.s3ForcePathStyle, logger };
  const audit: AuditContext = {
    settings,
    target: openStore(settings.target, storeOptions),
    archive: settings.archive.startsWith('s3://') ? openStore(settings.archive, storeOptions) : settings.archive,
    optOut: new Set(settings.optOut ? await readOptOut(settings.optOut) : []),
    logger,
  };
  const datasets = await loadDatasets(settings.datasets, settings.queriesDir);
  const quarter = settings.quarter ?? lastCompleteQuarter(now);
  const result: AuditResult = { quarters: [], tables: [], violations: [] };
  // A family member the run does not name still shares the protection: its rows may be withheld.
  const families = eventFamilies([...datasets, ...(await populationCompanions(datasets, settings.queriesDir))]);
  for (const audited of [previousQuarter(quarter), quarter]) {
    const judged = await auditQuarter(audit, datasets, audited, audited === quarter);
    if (judged === undefined) continue;
    const { tables, violations } = judged;
    result.quarters.push(formatQuarter(audited));
    result.violations.push(...violations);
    for (const table of tables) {
      if (table.count === 'events' && families.has(table.dataset)) table.family = true;
      result.tables.push({ dataset: table.dataset, quarter: table.quarter, rows: table.lines.length, k: table.k });
      result.violations.push(...compareTable(table));
    }
    const datasetOf = (table: PublishedTable) => datasets.find((dataset) => dataset.name === table.dataset)!;
    const machines = groupByPopulation(
      tables.filter((table) => table.count === 'machines'),
      datasetOf,
    );
    for (const group of machines.values()) result.violations.push(...derivableRows(group));
    // A family: the event tables of one population (two at least), protected together.
    const familyTables = groupByPopulation(
      tables.filter((table) => table.family),
      datasetOf,
    );
    for (const group of familyTables.values()) {
      if (group.length > 1) result.violations.push(...familyViolations(group, datasets));
    }
  }
  result.violations.push(...(await catalogViolations(audit.target, datasets)));
  for (const violation of result.violations) {
    logger.error('audit violation', {
      rule: violation.rule,
      dataset: violation.dataset,
      quarter: violation.quarter,
      row: violation.row,
      detail: violation.detail,
    });
  }
  return result;
}

/** Event datasets whose declared population another event dataset shares: a family, protected together. */
function eventFamilies(datasets: readonly DatasetDefinition[]): Set<string> {
  const events = datasets.filter((dataset) => dataset.measure.count === 'events');
  const members = groupByPopulation(events, (dataset) => dataset);
  return new Set(
    [...members.values()].filter((group) => group.length > 1).flatMap((group) => group.map((d) => d.name)),
  );
}

interface PublishedFile {
  dataset: DatasetDefinition;
  key: string;
  text: string;
  k: number;
  cap: number;
  /** The daily bound the privacy report states; null when unbounded. */
  dailyCap: number | null;
}

/**
 * The published tables of one quarter, each recomputed from the inputs of its own manifest (linked
 * datasets published in separate runs have different ones); undefined when nothing is published.
 */
async function auditQuarter(
  audit: AuditContext,
  datasets: readonly DatasetDefinition[],
  quarter: Quarter,
  required: boolean,
): Promise<{ tables: PublishedTable[]; violations: AuditViolation[] } | undefined> {
  const { settings, target, logger } = audit;
  const label = formatQuarter(quarter);
  const published = await publishedFiles(audit, datasets, quarter);
  if (published.length === 0) {
    if (required) logger.warn('nothing published for this quarter', { quarter: label, target: target.describe('') });
    return undefined;
  }
  const violations: AuditViolation[] = [];
  const inputSets = new Map<string, { files: ManifestFile[]; published: PublishedFile[] }>();
  for (const file of published) {
    const manifest = await readManifest(target, file.key);
    if ('problem' in manifest) {
      violations.push({ rule: 'no_manifest', dataset: file.dataset.name, quarter: label, detail: manifest.problem });
      continue;
    }
    const files = [...manifest.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const id = JSON.stringify(files);
    const set = inputSets.get(id) ?? { files, published: [] };
    set.published.push(file);
    inputSets.set(id, set);
  }
  const tables: PublishedTable[] = [];
  const workDir = await createWorkDir(settings.tempDirectory ?? tmpdir(), 'telemetry-audit-', logger);
  try {
    let index = 0;
    for (const { files, published: ofSet } of inputSets.values()) {
      const set = `inputs-${index++}`;
      const unjudged = (problems: readonly InputProblem[]) => {
        for (const file of ofSet) {
          for (const problem of problems)
            violations.push({ rule: problem.rule, dataset: file.dataset.name, quarter: label, detail: problem.detail });
        }
        logger.warn('not recomputed: its inputs cannot be read as they were published', {
          quarter: label,
          datasets: ofSet.map((file) => file.dataset.name).join(','),
        });
      };
      const located = await locateInputs(audit.archive, files, quarter, join(workDir, set), logger);
      if (located.problems.length > 0) {
        unjudged(located.problems);
        continue;
      }
      const duck = await openDuck(
        { memoryLimit: settings.memoryLimit, threads: settings.threads, tempDirectory: join(workDir, 'spill') },
        join(workDir, `${set}.duckdb`),
      );
      try {
        const read = await readArchiveEvents(duck, located.inputs, audit.optOut, logger);
        if (read.problems.length > 0) {
          unjudged(read.problems);
          continue;
        }
        await createReleaseTable(duck, quarter);
        for (const file of ofSet) tables.push(await recomputedTable(duck, file, label));
      } finally {
        duck.close();
      }
    }
  } finally {
    await removeWorkDir(workDir);
  }
  const order = new Map(datasets.map((dataset, position) => [dataset.name, position]));
  tables.sort((a, b) => order.get(a.dataset)! - order.get(b.dataset)!);
  return { tables, violations };
}

/** The quarter files of the target, with the k and cap their privacy reports state. */
async function publishedFiles(
  audit: AuditContext,
  datasets: readonly DatasetDefinition[],
  quarter: Quarter,
): Promise<PublishedFile[]> {
  const { settings, target } = audit;
  const published: PublishedFile[] = [];
  for (const dataset of datasets) {
    const key = datasetKey(settings.keyTemplate, dataset.name, quarter);
    const body = await target.getBytes(key);
    if (!body) continue;
    const report = JSON.parse((await target.getBytes(privacyReportKey(key)))?.toString('utf8') ?? '{}') as {
      k?: number;
      contributionCap?: number | null;
      dailyContributionCap?: number | null;
    };
    published.push({
      dataset,
      key,
      text: body.toString('utf8'),
      k: report.k ?? settings.k ?? dataset.k,
      cap: report.contributionCap ?? dataset.contributionCap,
      dailyCap: report.dailyContributionCap ?? null,
    });
  }
  return published;
}

async function recomputedTable(
  duck: Awaited<ReturnType<typeof openDuck>>,
  file: PublishedFile,
  quarter: string,
): Promise<PublishedTable> {
  const { dataset, k, cap, dailyCap } = file;
  const facts = await loadAuditFacts(duck, dataset);
  const dimensionIndex = new Map(dataset.dimensions.map((dimension, index) => [dimension.column, index]));
  const recomputed = recompute(facts, dataset.dimensions.length, {
    k,
    cap,
    dailyCap,
    count: dataset.measure.count,
    remainder: dataset.remainder.map((step) => step.map((column) => dimensionIndex.get(column)!)),
    ...(dataset.remainderByData
      ? { oneAtATime: dataset.remainderByData.map((name) => ({ index: dimensionIndex.get(name)!, name })) }
      : {}),
  });
  return {
    dataset: dataset.name,
    quarter,
    count: dataset.measure.count,
    k,
    lines: canonicalLines(dataset, file.text),
    recomputed,
  };
}

/** Data lines reordered as time, measure, dimensions (dataset order), whatever the file's column order. */
function canonicalLines(dataset: DatasetDefinition, text: string): string[] {
  const [header, ...lines] = text.split('\n').filter((line) => line !== '');
  const position = new Map(header!.split('\t').map((name, index) => [name, index]));
  const order = [
    dataset.timeColumn,
    dataset.measure.column,
    ...dataset.dimensions.map((dimension) => dimension.column),
  ].map((name) => position.get(name) ?? -1);
  return lines.map((line) => {
    const cells = line.split('\t');
    return order.map((index) => cells[index] ?? '').join('\t');
  });
}
