// The one place that knows the order of the stages: archive -> ingest -> query -> protect -> write.
// `publish`, `audit` and the tests all build through here; publishing the result is publish/'s.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type ArchiveFile, type InputFile, inputOf, openArchive } from './archive/index.js';
import { datasetRun, type Settings } from './config.js';
import { PublisherError } from './core/errors.js';
import type { Logger } from './core/log.js';
import { NO_PROGRESS, type Progress } from './core/progress.js';
import { formatQuarter, quarterDays } from './core/quarter.js';
import type { Quarter } from './core/release.js';
import { type Duck, openDuck } from './engine/duck.js';
import { resourceError } from './engine/resources.js';
import { lockDown } from './engine/sandbox.js';
import { type IngestedEvents, type IngestOptions, ingestEvents } from './ingest/index.js';
import { linkedGroups, protectLinkedRows } from './protect/linked.js';
import { type ProtectedDataset, protectDataset } from './protect/protect.js';
import { createArchiveMachines } from './query/contract.js';
import type { DatasetDefinition } from './query/dataset.js';
import { createReleaseTable, queryFacts } from './query/facts.js';
import { populationCompanions } from './query/population.js';
import { type BuiltDataset, writeDataset } from './write/index.js';

export type { BuiltDataset } from './write/index.js';

export interface EventCounts extends IngestedEvents {
  daysWithoutData: number;
}

export interface BuiltRelease {
  quarter: Quarter;
  /** The archive files read, for the input manifest that makes revisions checkable. */
  inputs: InputFile[];
  /** The run's DuckDB file, kept until the work folder is removed (revisions compare two of them). */
  database: string;
  events: EventCounts;
  datasets: BuiltDataset[];
  /**
   * The other datasets of the named datasets' populations, built (in `companionsDir`) only so that the
   * linked protection sees the whole population; this run does not publish them.
   */
  companions: BuiltDataset[];
  /** Folder holding the built files. */
  outDir: string;
}

/** What a run reads, before any dataset is built: the settings the archive and ingest stages take. */
export type ReadSettings = Pick<Settings, 'archive' | 's3ForcePathStyle' | 'memoryLimit' | 'threads'>;

/** The quarter's archive files (all of them, or only `only`, as a manifest lists them). */
export async function archiveFiles(
  settings: ReadSettings,
  quarter: Quarter,
  workDir: string,
  logger: Logger,
  only?: readonly InputFile[],
): Promise<ArchiveFile[]> {
  const days = quarterDays(quarter);
  const listed = await openArchive(settings.archive, days, workDir, logger, {
    forcePathStyle: settings.s3ForcePathStyle,
  });
  const files = only ? selectInputs(listed, only) : listed;
  if (files.length === 0) {
    throw new PublisherError(
      'E_ARCHIVE',
      `no archive files for ${formatQuarter(quarter)} under ${settings.archive} (expected folders date=${days[0]} ... date=${days.at(-1)})`,
    );
  }
  return files;
}

/** The run's DuckDB, its database file and spill folder in `workDir`. */
export async function openWorkDatabase(
  settings: ReadSettings,
  workDir: string,
  name = 'work.duckdb',
): Promise<{ duck: Duck; database: string }> {
  // A database file in the work folder: tables larger than memory live on disk, and a revision can
  // ATTACH two builds' files to compare them. (Measured: an in-memory database was no faster.)
  const database = join(workDir, name);
  const duck = await openDuck(
    { memoryLimit: settings.memoryLimit, threads: settings.threads, tempDirectory: join(workDir, 'spill') },
    database,
  );
  return { duck, database };
}

/** Archive and ingest stages into an open DuckDB, plus the release table dataset queries read. */
export async function loadEvents(
  duck: Duck,
  files: readonly ArchiveFile[],
  quarter: Quarter,
  options: IngestOptions,
  logger: Logger,
): Promise<IngestedEvents> {
  const events = await ingestEvents(duck, files, options, logger);
  await createArchiveMachines(duck);
  await createReleaseTable(duck, quarter);
  return events;
}

/**
 * Everything up to the files that would be published, in `workDir/out`: read the archive, validate,
 * exclude, query, protect, write, check. Touches no target.
 */
export async function buildRelease(
  settings: Settings,
  logger: Logger,
  quarter: Quarter,
  datasets: readonly DatasetDefinition[],
  workDir: string,
  /** Only these inputs (a revision recomputes the quarter as first published). */
  only?: readonly InputFile[],
  progress: Progress = NO_PROGRESS,
): Promise<BuiltRelease> {
  await mkdir(workDir, { recursive: true });
  const files = await archiveFiles(settings, quarter, workDir, logger, only);
  const { duck, database } = await openWorkDatabase(settings, workDir);
  try {
    const ingestOptions = {
      temporary: true,
      maxBadShare: settings.maxBadShare,
      ...(settings.optOut ? { optOut: settings.optOut } : {}),
      progress,
    };
    const events = await loadEvents(duck, files, quarter, ingestOptions, logger);
    const outDir = join(workDir, 'out');
    const companionsDir = join(workDir, 'companions');
    await mkdir(outDir, { recursive: true });
    await mkdir(companionsDir, { recursive: true });
    // Every file the run reads was read; from here on DuckDB touches the folders it writes alone.
    await lockDown(duck, [outDir, companionsDir]);
    const companions = await populationCompanions(datasets, settings.queriesDir);
    const protectedDatasets: ProtectedDataset[] = [];
    for (const dataset of [...datasets, ...companions]) {
      const facts = await queryFacts(duck, dataset, quarter, settings.revise);
      protectedDatasets.push(
        await protectDataset(
          duck,
          datasetRun(settings, dataset, quarter),
          facts,
          { keepTables: settings.revise },
          logger,
        ),
      );
      progress.add('datasets');
    }
    for (const group of linkedGroups(protectedDatasets)) await protectLinkedRows(duck, group, logger);
    const inputs = files.map(inputOf);
    const built: BuiltDataset[] = [];
    const builtCompanions: BuiltDataset[] = [];
    for (const [index, result] of protectedDatasets.entries()) {
      const companion = index >= datasets.length;
      const target = { keyTemplate: settings.keyTemplate, quarter, outDir: companion ? companionsDir : outDir, inputs };
      (companion ? builtCompanions : built).push(await writeDataset(duck, result, target, logger));
    }
    for (const companion of companions) {
      logger.info('built for the linked protection of its population, not published by this run', {
        dataset: companion.name,
      });
    }
    return {
      quarter,
      inputs,
      database,
      outDir,
      datasets: built,
      companions: builtCompanions,
      events: { ...events, daysWithoutData: quarterDays(quarter).length - new Set(files.map((file) => file.day)).size },
    };
  } catch (error) {
    if (error instanceof PublisherError) throw error;
    throw (await resourceError(duck, error, 'building the datasets')) ?? error;
  } finally {
    duck.close();
  }
}

/** The archive files of a manifest; a manifest file that is gone or changed size is an error, not a late event. */
function selectInputs(files: readonly ArchiveFile[], only: readonly InputFile[]): ArchiveFile[] {
  const byPath = new Map(files.map((file) => [inputOf(file).path, file]));
  return only.map((input) => {
    const file = byPath.get(input.path);
    if (!file || file.bytes !== input.bytes) {
      throw new PublisherError(
        'E_ARCHIVE',
        `archive file ${input.path} was ${file ? `rewritten (${input.bytes} bytes when published, ${file.bytes} now)` : 'removed'} after the quarter was published: a revision can only add late files`,
      );
    }
    return file;
  });
}
