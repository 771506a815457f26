// The synthetic sample archive (`npm start` writes one when absent): its options, checked in one place,
// and the quarters it spans; stretch.ts writes the files.

import { resolve } from 'node:path';
import { PublisherError } from '../../src/core/errors.js';
import { createLogger, type Logger } from '../../src/core/log.js';
import type { Quarter } from '../../src/core/release.js';
import {
  type Day,
  dailyCounts,
  epochDayOf,
  lastCompleteQuarter,
  nextQuarter,
  previousQuarter,
  quarterDays,
} from './calendar.js';
import { createCommandTables, type ExtraEvent, type FileFormat } from './commands.js';
import { openDuckPool, prepareEmptyFolder } from './files.js';
import { badKindsFor, layoutDays } from './layout.js';
import { createMachines, PLANTED_COUNT } from './machines.js';
import { checkInteger, checkQuarter, defaultMachines } from './options.js';
import { firstDayEdges, lastDayEdges, plantedEvents } from './planted.js';
import { PRODUCTS } from './products.js';
import { createInstallations } from './snapshots.js';
import { writeStretches } from './stretch.js';

export { type BenchQuarterOptions, writeBenchQuarter } from './bench.js';

export interface SampleOptions {
  /** Archive root folder: created; must not exist yet or be empty. */
  out: string;
  /** Default 42; the same seed and options give a byte-identical archive. */
  seed?: number;
  /** Last quarter generated (default: the last complete UTC quarter before `now`). */
  endQuarter?: Quarter;
  /** How many quarters, ending at endQuarter (default 3). */
  quarters?: number;
  /**
   * Also days of the quarter after endQuarter (default true): the days before `now` when `now` falls in
   * it (at least one), else its first 14 days.
   */
  partialCurrentQuarter?: boolean;
  /** Command events per complete quarter (default 200 000). */
  commandEvents?: number;
  /** Distinct regular machines (default: one per 20 command events of a quarter, at least 50). */
  machines?: number;
  /** Snapshot-sending installations per product over the whole archive (default 300). */
  installations?: number;
  /** Formats to use (default all three, mixed across and within days). */
  formats?: Array<'ndjson' | 'ndjson.gz' | 'parquet'>;
  /** A few bad lines per quarter, in NDJSON files (default true; none when only Parquet is allowed). */
  badLines?: boolean;
  /** Only decides the default endQuarter and the partial quarter's length. */
  now?: Date;
  logger?: Logger;
}

export interface SampleSummary {
  out: string;
  /** The complete quarters written (the partial quarter after them is not listed). */
  quarters: Quarter[];
  files: number;
  commandEvents: number;
  snapshotEvents: number;
  badLines: number;
}

interface Stretch {
  quarter: Quarter;
  partial: boolean;
  days: Day[];
  events: number;
}

const ALL_FORMATS: readonly FileFormat[] = ['ndjson', 'ndjson.gz', 'parquet'];
const PARTIAL_DAYS_FALLBACK = 14;

/**
 * Writes a synthetic archive in the archive contract's layout: command events of the .NET CLI kind,
 * daily snapshots of two server products, the quarter edges, planted rare values and bad lines.
 *
 * Files: `date=YYYY-MM-DD/commands-<n>.<ext>` (one to three a day, formats mixed) and
 * `snapshots-<product>.<ext>`. NDJSON timestamps are ISO 8601 text in the client's local time with its
 * offset; Parquet stores them as TIMESTAMPTZ (UTC instants) and `metrics` as a STRUCT (one file per product,
 * so one schema per file). Rows are in arrival order, not sorted by time.
 */
export async function writeSampleArchive(options: SampleOptions): Promise<SampleSummary> {
  const settings = resolveOptions(options);
  const { seed, logger } = settings;
  const out = resolve(settings.out);
  await prepareEmptyFolder(out);

  const stretches = planStretches(settings);
  const firstDay = stretches[0]!.days[0]!.epochDay;
  const lastDay = stretches.at(-1)!.days.at(-1)!.epochDay;
  const products = settings.installations > 0 ? PRODUCTS : [];
  logger.info('writing sample archive', {
    out,
    seed,
    quarters: stretches
      .filter((s) => !s.partial)
      .map((s) => formatQuarter(s.quarter))
      .join(','),
    partial_days: stretches.find((s) => s.partial)?.days.length ?? 0,
    command_events_per_quarter: settings.commandEvents,
    machines: settings.machines,
  });

  const pool = await openDuckPool();
  const summary: SampleSummary = { out, quarters: [], files: 0, commandEvents: 0, snapshotEvents: 0, badLines: 0 };
  try {
    const setup = pool.connections[0]!;
    await pool.allThreads((connection) =>
      createMachines(connection, { seed, machines: settings.machines, firstDay, lastDay, planted: true }),
    );
    await createCommandTables(setup);
    for (const product of products) {
      await createInstallations(setup, product, { seed, installations: settings.installations, firstDay, lastDay });
    }
    let nextFileId = 0;
    const plans = stretches.map((stretch) => {
      // The extra events (edges, planted machines) are part of the stretch's command events.
      const extras = extraEvents(seed, stretch, settings.machines);
      const jobs = layoutDays({
        seed,
        days: stretch.days,
        counts: dailyCounts(seed, stretch.days, Math.max(0, stretch.events - extras.length)),
        formats: settings.formats,
        products,
        badKinds: settings.badLines ? badKindsFor(stretch.partial) : [],
        mixedDays: new Set([stretch.days[0]!.epochDay, stretch.days.at(-1)!.epochDay]),
        firstFileId: nextFileId,
      });
      nextFileId += jobs.length;
      return { jobs, extras };
    });
    const results = await writeStretches(pool, { seed, machines: settings.machines, firstDay, products, out }, plans);
    stretches.forEach((stretch, index) => {
      const written = results[index]!;
      logger.info(stretch.partial ? 'wrote partial quarter' : 'wrote quarter', {
        quarter: formatQuarter(stretch.quarter),
        days: stretch.days.length,
        files: written.files,
        command_events: written.commandEvents,
        snapshot_events: written.snapshotEvents,
        bad_lines: written.badLines,
      });
      if (!stretch.partial) summary.quarters.push(stretch.quarter);
      summary.files += written.files;
      summary.commandEvents += written.commandEvents;
      summary.snapshotEvents += written.snapshotEvents;
      summary.badLines += written.badLines;
    });
  } finally {
    pool.close();
  }
  logger.info('wrote sample archive', { ...summary, quarters: summary.quarters.map(formatQuarter).join(',') });
  return summary;
}

function extraEvents(seed: number, stretch: Stretch, machines: number): ExtraEvent[] {
  const first = stretch.days[0]!;
  const last = stretch.days.at(-1)!;
  return [
    ...firstDayEdges(first, machines),
    ...(stretch.partial ? [] : lastDayEdges(last, machines)),
    ...plantedEvents(seed, stretch.days, machines, stretch.partial ? 2 : 5),
  ];
}

function planStretches(settings: ResolvedOptions): Stretch[] {
  const stretches: Stretch[] = [];
  let quarter = settings.endQuarter;
  for (let i = 0; i < settings.quarters; i++) {
    stretches.unshift({ quarter, partial: false, days: quarterDays(quarter), events: settings.commandEvents });
    quarter = previousQuarter(quarter);
  }
  if (settings.partialCurrentQuarter) {
    const next = nextQuarter(settings.endQuarter);
    const all = quarterDays(next);
    const elapsed = epochDayOf(settings.now) - all[0]!.epochDay;
    const count = elapsed >= 0 && elapsed < all.length ? Math.max(1, elapsed) : PARTIAL_DAYS_FALLBACK;
    const days = all.slice(0, count);
    stretches.push({
      quarter: next,
      partial: true,
      days,
      events: Math.round((settings.commandEvents * days.length) / all.length),
    });
  }
  return stretches;
}

interface ResolvedOptions {
  out: string;
  seed: number;
  endQuarter: Quarter;
  quarters: number;
  partialCurrentQuarter: boolean;
  commandEvents: number;
  machines: number;
  installations: number;
  formats: FileFormat[];
  badLines: boolean;
  now: Date;
  logger: Logger;
}

/** Every option checked in one place; messages name the option and the value. */
function resolveOptions(options: SampleOptions): ResolvedOptions {
  if (typeof options.out !== 'string' || options.out.trim() === '') {
    throw new PublisherError('E_CONFIG', `option \`out\` must be a folder path, got ${JSON.stringify(options.out)}`);
  }
  const now = options.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new PublisherError('E_CONFIG', `option \`now\` must be a valid Date, got ${String(options.now)}`);
  }
  const commandEvents = checkInteger('commandEvents', options.commandEvents ?? 200_000, 0, 100_000_000);
  const formats = options.formats ?? [...ALL_FORMATS];
  if (!Array.isArray(formats) || formats.length === 0 || formats.some((format) => !ALL_FORMATS.includes(format))) {
    throw new PublisherError(
      'E_CONFIG',
      `option \`formats\` must list some of ${ALL_FORMATS.join(', ')}, got ${JSON.stringify(options.formats)}`,
    );
  }
  for (const [name, value] of [
    ['partialCurrentQuarter', options.partialCurrentQuarter],
    ['badLines', options.badLines],
  ] as const) {
    if (value !== undefined && typeof value !== 'boolean') {
      throw new PublisherError('E_CONFIG', `option \`${name}\` must be true or false, got ${JSON.stringify(value)}`);
    }
  }
  return {
    out: options.out,
    seed: checkInteger('seed', options.seed ?? 42, 0, 0xffffffff),
    endQuarter: checkQuarter('endQuarter', options.endQuarter ?? lastCompleteQuarter(now)),
    quarters: checkInteger('quarters', options.quarters ?? 3, 1, 40),
    partialCurrentQuarter: options.partialCurrentQuarter ?? true,
    commandEvents,
    // The planted machines come after the regular ones.
    machines: checkInteger(
      'machines',
      options.machines ?? defaultMachines(commandEvents),
      1,
      100_000_000 - PLANTED_COUNT,
    ),
    installations: checkInteger('installations', options.installations ?? 300, 0, 100_000),
    formats: [...new Set(formats)],
    badLines: options.badLines ?? true,
    now,
    logger: options.logger ?? createLogger(),
  };
}

function formatQuarter(quarter: Quarter): string {
  return `${quarter.year}-Q${quarter.quarter}`;
}
