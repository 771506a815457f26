import { tmpdir } from 'node:os';
import { openArchive } from '../archive/index.js';
import type { Settings } from '../config.js';
import { datasetKey, privacyReportKey } from '../core/keys.js';
import type { Logger } from '../core/log.js';
import { formatQuarter, lastCompleteQuarter, previousQuarter, quarterDays } from '../core/quarter.js';
import type { Quarter } from '../core/release.js';
import { createWorkDir, removeWorkDir } from '../core/work-dir.js';
import { loadEvents, openWorkDatabase } from '../pipeline.js';
import { openStore, type Store } from '../publish/store/index.js';
import { type DatasetDefinition, loadDatasets } from '../query/dataset.js';
import { catalogViolations } from './catalog-check.js';
import { type AuditViolation, compareTable, derivableRows, type PublishedTable } from './compare.js';
import { loadAuditFacts } from './facts.js';
import { recompute } from './recompute.js';

export interface AuditResult {
  quarters: string[];
  tables: Array<{ dataset: string; quarter: string; rows: number; k: number }>;
  violations: AuditViolation[];
}

/**
 * `telemetry-publisher audit`: recomputes the quarter (and the one before it, when published) from the
 * archive with the audit's own implementation of the rules, and checks what is actually in the target.
 */
export async function runAudit(settings: Settings, context: { logger: Logger; now: Date }): Promise<AuditResult> {
  const { logger, now } = context;
  const target = openStore(settings.target, { forcePathStyle: settings.s3ForcePathStyle, logger });
  const datasets = await loadDatasets(settings.datasets, settings.queriesDir);
  const quarter = settings.quarter ?? lastCompleteQuarter(now);
  const result: AuditResult = { quarters: [], tables: [], violations: [] };
  for (const audited of [previousQuarter(quarter), quarter]) {
    const tables = await auditQuarter(settings, target, datasets, audited, logger, audited === quarter);
    if (tables === undefined) continue;
    result.quarters.push(formatQuarter(audited));
    for (const table of tables) {
      result.tables.push({ dataset: table.dataset, quarter: table.quarter, rows: table.lines.length, k: table.k });
      result.violations.push(...compareTable(table));
    }
    const populations = new Map<string, PublishedTable[]>();
    for (const table of tables.filter((t) => t.count === 'machines')) {
      const population = datasets.find((d) => d.name === table.dataset)?.population ?? table.dataset;
      populations.set(population, [...(populations.get(population) ?? []), table]);
    }
    for (const group of populations.values()) result.violations.push(...derivableRows(group));
  }
  result.violations.push(...(await catalogViolations(target, datasets)));
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

/** The published tables of one quarter with their recomputation; undefined when nothing is published. */
async function auditQuarter(
  settings: Settings,
  target: Store,
  datasets: readonly DatasetDefinition[],
  quarter: Quarter,
  logger: Logger,
  required: boolean,
): Promise<PublishedTable[] | undefined> {
  const published: Array<{ dataset: DatasetDefinition; text: string; k: number; cap: number }> = [];
  for (const dataset of datasets) {
    const key = datasetKey(settings.keyTemplate, dataset.name, quarter);
    const body = await target.getBytes(key);
    if (!body) continue;
    const report = JSON.parse((await target.getBytes(privacyReportKey(key)))?.toString('utf8') ?? '{}') as {
      k?: number;
      contributionCap?: number | null;
    };
    published.push({
      dataset,
      text: body.toString('utf8'),
      k: report.k ?? settings.k ?? dataset.k,
      cap: report.contributionCap ?? dataset.contributionCap,
    });
  }
  if (published.length === 0) {
    if (required)
      logger.warn('nothing published for this quarter', {
        quarter: formatQuarter(quarter),
        target: target.describe(''),
      });
    return undefined;
  }
  const workDir = await createWorkDir(settings.tempDirectory ?? tmpdir(), 'telemetry-audit-', logger);
  const { duck } = await openWorkDatabase(settings, workDir, 'audit.duckdb');
  try {
    const files = await openArchive(settings.archive, quarterDays(quarter), workDir, logger, {
      forcePathStyle: settings.s3ForcePathStyle,
    });
    await loadEvents(
      duck,
      files,
      quarter,
      { temporary: false, ...(settings.optOut ? { optOut: settings.optOut } : {}) },
      logger,
    );
    const tables: PublishedTable[] = [];
    for (const { dataset, text, k, cap } of published) {
      const facts = await loadAuditFacts(duck, dataset);
      const dimensionIndex = new Map(dataset.dimensions.map((dimension, index) => [dimension.column, index]));
      const recomputed = recompute(facts, dataset.dimensions.length, {
        k,
        cap,
        count: dataset.measure.count,
        remainder: dataset.remainder.map((step) => step.map((column) => dimensionIndex.get(column)!)),
      });
      tables.push({
        dataset: dataset.name,
        quarter: formatQuarter(quarter),
        count: dataset.measure.count,
        k,
        lines: canonicalLines(dataset, text),
        recomputed,
      });
    }
    return tables;
  } finally {
    duck.close();
    await removeWorkDir(workDir);
  }
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
