// Which files each day folder gets: how a day's command events are split over files and formats (several
// collectors may write the same day), one snapshot file per product, and where the bad lines go.

import { BAD_LINE_KINDS, type BadLine, type BadLineKind, badLines } from './bad-lines.js';
import type { Day } from './calendar.js';
import type { FileFormat } from './commands.js';
import type { ProductSpec } from './products.js';
import { createRandom, type Random } from './random.js';

export interface CommandFileJob {
  kind: 'commands';
  /** Index of the job in the stretch: rows are tagged with it. */
  fileId: number;
  /** Relative to the archive root: `date=YYYY-MM-DD/commands-0.parquet`. */
  path: string;
  format: FileFormat;
  day: Day;
  from: number;
  to: number;
  /** Holds the day's extra events (edges, planted machines): the day's first file does. */
  extras: boolean;
  badLines: BadLine[];
}

export interface SnapshotFileJob {
  kind: 'snapshots';
  fileId: number;
  path: string;
  format: FileFormat;
  day: Day;
  product: ProductSpec;
}

export type FileJob = CommandFileJob | SnapshotFileJob;

const FORMAT_WEIGHTS: Record<FileFormat, number> = { parquet: 0.45, 'ndjson.gz': 0.35, ndjson: 0.2 };
/** The products' telemetry endpoints receive JSON: their archive files are mostly NDJSON. */
const SNAPSHOT_FORMAT_WEIGHTS: Record<FileFormat, number> = { parquet: 0.25, 'ndjson.gz': 0.5, ndjson: 0.25 };
const JSON_FORMATS: readonly FileFormat[] = ['ndjson', 'ndjson.gz'];

export interface DayLayoutInput {
  seed: number;
  days: readonly Day[];
  /** Generated command events per day. */
  counts: readonly number[];
  formats: readonly FileFormat[];
  products: readonly ProductSpec[];
  /** Bad line kinds to write in this stretch of days (spread over a few of them). */
  badKinds: readonly BadLineKind[];
  /** Days that get one file of every allowed format (the quarter's first and last). */
  mixedDays: ReadonlySet<number>;
  /** Id of the first file: ids are unique across the archive. */
  firstFileId: number;
}

export function layoutDays(input: DayLayoutInput): FileJob[] {
  const random = createRandom(input.seed, `layout:${input.days[0]?.day ?? ''}`);
  const badByDay = placeBadLines(random, input);
  const jobs: FileJob[] = [];
  input.days.forEach((day, index) => {
    const bad = badByDay.get(day.epochDay) ?? [];
    let formats = input.mixedDays.has(day.epochDay) ? everyFormat(input.formats) : someFormats(random, input.formats);
    if (bad.length > 0 && !formats.some((format) => JSON_FORMATS.includes(format))) {
      const json = input.formats.filter((format) => JSON_FORMATS.includes(format));
      formats = [...formats.slice(0, -1), pickFormat(random, json)];
    }
    const ranges = split(random, input.counts[index] ?? 0, formats.length);
    const badFile = formats.findIndex((format) => JSON_FORMATS.includes(format));
    formats.forEach((format, file) => {
      jobs.push({
        kind: 'commands',
        fileId: input.firstFileId + jobs.length,
        path: `date=${day.day}/commands-${file}.${format}`,
        format,
        day,
        from: ranges[file]![0],
        to: ranges[file]![1],
        extras: file === 0,
        badLines: file === badFile ? bad : [],
      });
    });
    for (const product of input.products) {
      const format = pickFormat(random, input.formats, SNAPSHOT_FORMAT_WEIGHTS);
      jobs.push({
        kind: 'snapshots',
        fileId: input.firstFileId + jobs.length,
        path: `date=${day.day}/snapshots-${product.product}.${format}`,
        format,
        day,
        product,
      });
    }
  });
  return jobs;
}

/** Bad lines only exist in NDJSON: with Parquet alone there are none. */
function placeBadLines(random: Random, input: DayLayoutInput): Map<number, BadLine[]> {
  const byDay = new Map<number, BadLine[]>();
  if (input.badKinds.length === 0 || !input.formats.some((format) => JSON_FORMATS.includes(format))) return byDay;
  const candidates = input.days.filter((day) => !input.mixedDays.has(day.epochDay));
  const pool = candidates.length > 0 ? candidates : input.days;
  const dayCount = Math.min(pool.length, Math.ceil(input.badKinds.length / 2));
  const chosen: Day[] = [];
  while (chosen.length < dayCount) {
    const day = random.pick(pool);
    if (!chosen.includes(day)) chosen.push(day);
  }
  input.badKinds.forEach((kind, index) => {
    const day = chosen[index % chosen.length]!;
    byDay.set(day.epochDay, [...(byDay.get(day.epochDay) ?? []), ...badLines(input.seed, day, kind)]);
  });
  return byDay;
}

/** The kinds a full quarter gets (all), and a partial one (two). */
export function badKindsFor(partial: boolean): readonly BadLineKind[] {
  return partial ? ['not_json', 'wrong_type'] : BAD_LINE_KINDS;
}

function everyFormat(allowed: readonly FileFormat[]): FileFormat[] {
  return (['ndjson', 'ndjson.gz', 'parquet'] as const).filter((format) => allowed.includes(format));
}

/** Mostly one file a day; some days two or three collectors wrote files, not always in the same format. */
function someFormats(random: Random, allowed: readonly FileFormat[]): FileFormat[] {
  const files = random.weighted([
    { value: 1, weight: 72 },
    { value: 2, weight: 20 },
    { value: 3, weight: 8 },
  ]);
  return Array.from({ length: files }, () => pickFormat(random, allowed));
}

function pickFormat(random: Random, allowed: readonly FileFormat[], weights = FORMAT_WEIGHTS): FileFormat {
  return random.weighted(allowed.map((format) => ({ value: format, weight: weights[format] })));
}

/** Splits events [0, count) into `parts` contiguous ranges of uneven sizes. */
function split(random: Random, count: number, parts: number): Array<[number, number]> {
  const shares = Array.from({ length: parts }, () => 0.5 + random.next());
  const total = shares.reduce((a, b) => a + b, 0);
  const ranges: Array<[number, number]> = [];
  let from = 0;
  shares.forEach((share, index) => {
    const to = index === parts - 1 ? count : Math.min(count, from + Math.round((share / total) * count));
    ranges.push([from, to]);
    from = to;
  });
  return ranges;
}
