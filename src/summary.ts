// What a run prints on stdout (the publish summary, the audit's findings): what a maintainer reads in
// cron mail. Log lines go to stderr (core/log.ts).

import type { AuditResult } from './audit/audit.js';
import type { RunSummary } from './publish/publish.js';
import type { PrivacyReport } from './write/privacy-report.js';

/** The run summary printed on stdout: what a maintainer reads in cron mail. */
export function formatSummary(summary: RunSummary): string {
  const { events } = summary;
  const rejected = Object.entries(events.rejected).filter(([, count]) => count > 0);
  const rejectedTotal = rejected.reduce((sum, [, count]) => sum + count, 0);
  const lines = [
    // A dry run's preview first: where everything it would have published now is.
    ...(summary.previewDir ? [`preview of everything the target would get: ${summary.previewDir}`] : []),
    `${summary.dryRun ? 'Dry run for' : 'Published'} ${summary.quarter} from ${summary.archive} to ${summary.target}`,
    `events: ${events.eventsRead} read in ${events.files} files, ${rejectedTotal} rejected${rejected.length ? ` (${rejected.map(([reason, count]) => `${reason} ${count}`).join(', ')})` : ''}, ${events.excludedOptOut} excluded by opt-out, ${events.excludedNonProduction} not production (${events.excludedNonProductionMachines} machines or installations seen only outside production)`,
  ];
  if (events.daysWithoutData > 0)
    lines.push(`warning: ${events.daysWithoutData} day(s) of the quarter have no archive folder`);
  for (const dataset of summary.datasets) {
    lines.push(
      `${dataset.dataset}: ${dataset.status}, ${dataset.rows} rows, ${protectionLine(dataset.report)}`,
      `  ${dataset.url}`,
    );
  }
  for (const dataset of summary.leftOutEmpty)
    lines.push(`${dataset}: left out, no row rests on k distinct machines (nothing written for it)`);
  for (const entry of summary.changelog) lines.push(`changelog: ${entry}`);
  if (summary.previewDir) lines.push(`files kept for inspection in ${summary.previewDir}`);
  lines.push(
    `objects ${summary.dryRun ? 'the target would get (in the preview)' : 'written'}: ${summary.written.length}, unchanged: ${summary.unchanged.length}`,
  );
  return `${lines.join('\n')}\n`;
}

/** The audit's report on stdout: one line per table, one per violation. */
export function formatAudit(result: AuditResult): string {
  const lines = [`Audited ${result.quarters.join(', ') || 'nothing (no published quarter found)'}`];
  for (const table of result.tables)
    lines.push(`${table.dataset} ${table.quarter}: ${table.rows} rows checked, k=${table.k}`);
  for (const violation of result.violations) {
    lines.push(
      `VIOLATION ${violation.rule} ${violation.dataset} ${violation.quarter}${violation.row ? ` [${violation.row.replaceAll('\t', ' | ')}]` : ''}: ${violation.detail}`,
    );
  }
  lines.push(result.violations.length === 0 ? 'no violations' : `${result.violations.length} violation(s)`);
  return `${lines.join('\n')}\n`;
}

/**
 * One dataset's protection in a line, from its public privacy report only: the shares of what is
 * published, and the suppressed total and the cap's removals where the report gives them (withheld
 * figures would describe fewer than k machines in cron mail).
 */
function protectionLine(report: PrivacyReport): string {
  const { published } = report;
  const pct = (value: number): string =>
    published.total === 0 ? '0.0%' : `${((100 * value) / published.total).toFixed(1)}%`;
  const suppressed = report.suppressed.withheld ? 'suppressed total withheld' : `${report.suppressed.total} suppressed`;
  const capped = report.eventsRemovedByCap === null ? 'withheld' : String(report.eventsRemovedByCap);
  return `${published.total} published (${pct(published.detail)} full detail, ${pct(published.generalised)} generalised, ${pct(published.remainder)} in remainder rows), ${suppressed}, k=${report.k}${report.contributionCap === null ? '' : `, events over the cap: ${capped}`}`;
}
