import { formatQuarter } from '../core/quarter.js';
import type { Quarter } from '../core/release.js';
import type { DailyBoundStats } from '../protect/contribution.js';
import type { DimensionLabels } from '../protect/labels.js';
import type { ProtectionParameters, ProtectionStats } from '../protect/protect.js';
import type { DatasetDefinition } from '../query/dataset.js';

/**
 * The machine-readable privacy report published beside each quarter file. It is public, so it must not
 * itself disclose a small figure: the suppressed total (and every share that would let a reader derive
 * it) is withheld when the suppressed rows together rest on fewer than k machines.
 */
export interface PrivacyReport {
  dataset: string;
  quarter: string;
  method: string;
  k: number;
  contributionCap: number | null;
  measure: string;
  generalisation: Array<{ column: string; levels: DimensionLabels['levels'] }>;
  /**
   * The remainder steps applied, in order (the dimensions set to Other at each); `rule` says whether
   * they are the dataset's fixed steps or one dimension at a time in an order chosen from the quarter's
   * data (README "Remainder rows"). Only the order is published, not the figures that chose it.
   */
  remainder: { rule: 'fixed' | 'one-at-a-time-by-data'; steps: string[][] };
  rows: { published: number; suppressed: number; secondary: number };
  published: { detail: number; generalised: number; remainder: number; total: number };
  suppressed: { total: number; withheld: false } | { total: null; withheld: true; reason: string };
  shares: { detail: number; generalised: number; remainder: number; suppressed: number } | null;
  /**
   * Withheld (null) when fewer than k machines hit the cap, or when one machine accounts for more than
   * half of it (a (1, 50%) dominance rule): it would describe those few machines.
   */
  eventsRemovedByCap: number | null;
  /** Events one machine may add to the dataset on one day; null when unbounded or counting machines. */
  dailyContributionCap: number | null;
  /** Events the daily bound removed, withheld (null) by the same rule as `eventsRemovedByCap`. */
  eventsRemovedByDailyCap: number | null;
  machinesPerPublishedRow: { min: number | null; median: number | null };
}

export function buildPrivacyReport(
  dataset: DatasetDefinition,
  quarter: Quarter,
  parameters: ProtectionParameters,
  labels: readonly DimensionLabels[],
  stats: ProtectionStats,
  dailyBound: DailyBoundStats,
  /** The population of the family of event tables it was protected with, if any. */
  family?: string,
): PrivacyReport {
  const published = {
    ...stats.valuePublished,
    total: stats.valuePublished.detail + stats.valuePublished.generalised + stats.valuePublished.remainder,
  };
  // Counting machines, rows are linked to other rows and tables; counting events in a declared
  // population (a family of tables), rows are linked to the other tables' rows. Either way a suppressed
  // total would be one more published figure the secondary suppression did not account for (minus a
  // derivable secondary row it gives a primary one), so it is never published.
  const linked = dataset.measure.count === 'machines' || family !== undefined;
  const disclosable = stats.valueSuppressed === 0 || (!linked && stats.machinesBehindSuppressed >= parameters.k);
  const withheldReason =
    family !== undefined
      ? `this table is protected together with the other tables of its population (${family}): a suppressed total would allow differencing across them`
      : linked
        ? 'rows of this dataset are linked (the same installations are counted in several rows): a suppressed total would allow differencing'
        : `the suppressed rows rest on fewer than k=${parameters.k} machines together`;
  const all = published.total + stats.valueSuppressed;
  const share = (value: number): number => (all === 0 ? 0 : Math.round((value / all) * 1e6) / 1e6);
  return {
    dataset: dataset.name,
    quarter: formatQuarter(quarter),
    method: family
      ? `Values rare over the quarter climb their generalisation ladder; rows under k distinct machines are rolled into remainder rows (dimensions set to Other); rows still under k are suppressed, and further rows are suppressed (Gaussian elimination, exact arithmetic), day by day, so that no figure resting on fewer than k machines (a suppressed row, or the events of a row of one table inside a row of another) is a linear combination of published rows of the tables sharing its population (${family}).`
      : dataset.measure.count === 'events'
        ? 'Values rare over the quarter climb their generalisation ladder; rows under k distinct machines are rolled into remainder rows (dimensions set to Other); rows still under k are suppressed. Every event is in at most one row: published rows are disjoint and no totals are published, so no suppressed row can be derived from published ones.'
        : `Values rare over the quarter climb their generalisation ladder; rows under k distinct installations are rolled into remainder rows (dimensions set to Other); rows still under k are suppressed, and further rows are suppressed (Gaussian elimination, exact arithmetic) so that no suppressed row is a linear combination of published rows of this dataset or of the datasets sharing its population${dataset.population ? ` (${dataset.population})` : ''}.`,
    k: parameters.k,
    contributionCap: dataset.measure.count === 'events' ? parameters.cap : null,
    measure: dataset.measure.column,
    generalisation: labels.map((label) => ({ column: label.column, levels: label.levels })),
    remainder: { rule: dataset.remainderByData ? 'one-at-a-time-by-data' : 'fixed', steps: dataset.remainder },
    rows: { published: stats.rowsPublished, suppressed: stats.rowsSuppressed, secondary: stats.rowsSecondary },
    published,
    suppressed: disclosable
      ? { total: stats.valueSuppressed, withheld: false }
      : { total: null, withheld: true, reason: withheldReason },
    shares: disclosable
      ? {
          detail: share(published.detail),
          generalised: share(published.generalised),
          remainder: share(published.remainder),
          suppressed: share(stats.valueSuppressed),
        }
      : null,
    eventsRemovedByCap:
      dataset.measure.count === 'events'
        ? disclosableRemoval(parameters.k, stats.eventsRemovedByCap, stats.machinesCapped, stats.largestRemovedByCap)
        : null,
    dailyContributionCap: parameters.dailyCap,
    eventsRemovedByDailyCap:
      parameters.dailyCap === null
        ? null
        : disclosableRemoval(
            parameters.k,
            dailyBound.eventsRemoved,
            dailyBound.machinesBounded,
            dailyBound.largestRemoved,
          ),
    machinesPerPublishedRow: { min: stats.minMachinesPerRow, median: stats.medianMachinesPerRow },
  };
}

/**
 * Events a bound removed, when publishing the figure describes no few machines: none removed, or at
 * least k machines hit the bound and no one of them accounts for more than half (a (1, 50%) dominance rule).
 */
function disclosableRemoval(k: number, removed: number, machines: number, largest: number): number | null {
  return machines === 0 || (machines >= k && 2 * largest <= removed) ? removed : null;
}

/** The few fields copied into the catalog. */
export function privacySummary(report: PrivacyReport): Record<string, unknown> {
  return {
    k: report.k,
    contributionCap: report.contributionCap,
    rowsPublished: report.rows.published,
    rowsSuppressed: report.rows.suppressed,
    shares: report.shares,
  };
}
