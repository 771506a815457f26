// Runs the pipeline's stages on archives written from test events, up to the files that would be
// published (no target). Every folder these helpers make goes inside a folder the caller owns, normally
// the `tmp` fixture (fixtures.ts), so it is removed with it.
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { listLocalArchive } from '../../src/archive/local.js';
import { resolveSettings, type Settings } from '../../src/config.js';
import { createMemoryLogger, type Logger } from '../../src/core/log.js';
import type { Quarter } from '../../src/core/release.js';
import { type Duck, openDuck } from '../../src/engine/duck.js';
import { type BuiltRelease, buildRelease, loadEvents } from '../../src/pipeline.js';
import { type ProtectedDataset, protectDataset } from '../../src/protect/protect.js';
import { type DatasetDefinition, loadDatasets } from '../../src/query/dataset.js';
import { queryFacts } from '../../src/query/facts.js';
import { type ArchiveEvent, type FileFormat, writeDayFile } from './archive.js';

export const Q3: Quarter = { year: 2026, quarter: 3 };

/** A new, empty folder `<parent>/<prefix>XXXXXX`. */
export async function folderIn(parent: string, prefix = 'dir-'): Promise<string> {
  await mkdir(parent, { recursive: true });
  return mkdtemp(join(parent, prefix));
}

/** A new archive folder in `parent` with one file per day from `days` (day -> events or raw lines). */
export async function writeArchive(
  parent: string,
  days: Record<string, ReadonlyArray<ArchiveEvent | string>>,
  format: FileFormat = 'ndjson',
): Promise<string> {
  return addToArchive(await folderIn(parent, 'archive-'), days, format);
}

/** Adds one file per day from `days` to an existing archive folder (another format, another quarter ...). */
export async function addToArchive(
  archive: string,
  days: Record<string, ReadonlyArray<ArchiveEvent | string>>,
  format: FileFormat = 'ndjson',
): Promise<string> {
  for (const [day, entries] of Object.entries(days)) await writeDayFile(archive, day, 'events', format, entries);
  return archive;
}

export async function settingsFor(
  flags: Partial<Record<keyof Settings, string | boolean | string[]>>,
): Promise<Settings> {
  return resolveSettings({ datasets: ['cli-usage'], ...flags }, {}, undefined);
}

export interface Built extends BuiltRelease {
  /** The first dataset's TSV as text. */
  tsv: string;
  /** The first dataset's rows as objects keyed by header. */
  rows: Array<Record<string, string>>;
  logLines: string[];
}

/**
 * Runs everything up to the files that would be published (no target). The work folder goes beside the
 * archive, in the folder that holds it (the test's `tmp`), and is removed with it.
 */
export async function build(
  archive: string,
  flags: Partial<Record<keyof Settings, string | boolean | string[]>> = {},
  quarter = Q3,
): Promise<Built> {
  const settings = await settingsFor({ archive, ...flags });
  const logger = createMemoryLogger();
  const release = await buildRelease(
    settings,
    logger,
    quarter,
    await loadDatasets(settings.datasets, settings.queriesDir),
    await folderIn(dirname(archive), 'work-'),
  );
  const first = release.datasets[0]!;
  const tsv = await readFile(first.file.localPath, 'utf8');
  return { ...release, tsv, rows: parseTsv(tsv), logLines: logger.lines };
}

/**
 * Loads the archive's events of `days`, the prefix geography and the release table into `duck`: what
 * dataset queries read, for tests that drive the privacy engine step by step (with the `duck` fixture).
 */
export async function ingestInto(duck: Duck, archive: string, days: readonly string[], quarter = Q3): Promise<Duck> {
  const logger = createMemoryLogger();
  await loadEvents(duck, await listLocalArchive(archive, days, logger), quarter, { temporary: false }, logger);
  return duck;
}

/** `ingestInto` a DuckDB of its own, for tests that need several (one per property run); the caller closes it. */
export async function ingestedDuck(archive: string, days: readonly string[], quarter = Q3): Promise<Duck> {
  const duck = await openDuck();
  try {
    return await ingestInto(duck, archive, days, quarter);
  } catch (error) {
    duck.close();
    throw error;
  }
}

export function parseTsv(tsv: string): Array<Record<string, string>> {
  const [header, ...lines] = tsv.split('\n').filter((line) => line !== '');
  const names = header!.split('\t');
  return lines.map((line) => Object.fromEntries(line.split('\t').map((value, index) => [names[index]!, value])));
}

/** The query and protect stages of one dataset over an ingested DuckDB (`ingestedDuck`). */
export async function queryAndProtect(
  duck: Duck,
  dataset: DatasetDefinition,
  parameters: { k: number; cap: number; narrowKeyBits?: number; perBatch?: number },
  logger: Logger,
  quarter = Q3,
): Promise<ProtectedDataset> {
  const facts = await queryFacts(duck, dataset, quarter, false, parameters.perBatch);
  const run = { dataset, quarter, k: parameters.k, cap: parameters.cap };
  return protectDataset(
    duck,
    run,
    facts,
    {
      ...(parameters.narrowKeyBits === undefined ? {} : { narrowKeyBits: parameters.narrowKeyBits }),
      ...(parameters.perBatch === undefined ? {} : { perBatch: parameters.perBatch }),
    },
    logger,
  );
}
