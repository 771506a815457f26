// The one place that knows the order of the stages: archive -> ingest -> query -> protect -> write.
// `publish`, `audit` and the tests all build through here; publishing the result is publish/'s.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type ArchiveFile, type InputFile, inputOf, openArchive } from './archive/index.js';
import { type DatasetRun, datasetRun, type Settings } from './config.js';
import { valuesPerBatch } from './core/batches.js';
import { PublisherError } from './core/errors.js';
import type { Logger } from './core/log.js';
import { NO_PROGRESS, type Progress } from './core/progress.js';
import { formatQuarter, quarterDays } from './core/quarter.js';
import type { Quarter } from './core/release.js';
import { type Duck, openDuck } from './engine/duck.js';
import { memoryBytes } from './engine/memory-budget.js';
import { resourceError } from './engine/resources.js';
import { lockDown } from './engine/sandbox.js';
import { datasetTables } from './engine/tables.js';
import { type IngestedEvents, type IngestOptions, ingestEvents } from './ingest/index.js';
import { boundDailyContribution, type DailyBoundStats } from './protect/contribution.js';
import { linkedGroups, protectLinkedRows } from './protect/linked.js';
import {
  decideProtection,
  type ProtectedDataset,
  type ProtectionDecisions,
  type ProtectionOptions,
  protectDataset,
} from './protect/protect.js';
import { createArchiveMachines } from './query/contract.js';
import type { DatasetDefinition } from './query/dataset.js';
import { createReleaseTable, type QueryFacts, queryFacts } from './query/facts.js';
import { populationCompanions, populationOf } from './query/population.js';
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
  /** Datasets of a run that names none moved to `companions` because they would publish no row. */
  leftOutEmpty?: string[];
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
  /** Only these days' folders (a shard's); default the whole quarter. */
  days: readonly string[] = quarterDays(quarter),
): Promise<ArchiveFile[]> {
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
 * Where a build's events and facts come from: the archive, read by this process, or the exchange files
 * of a sharded run's shards (shard/merge.ts). Everything after the facts is the same for both.
 */
export interface FactsSource {
  /** The archive files the facts come from, in the archive's order, for the input manifest. */
  inputs: InputFile[];
  /** Days of the quarter with at least one archive file. */
  daysWithData: number;
  /** Fills the run's DuckDB with what the facts, the protection and the check read; before lock-down. */
  load(duck: Duck): Promise<IngestedEvents>;
  /** The dataset's facts table, once the DuckDB is locked down, its queries in batches of `perBatch` days. */
  facts(duck: Duck, dataset: DatasetDefinition, perBatch: number): Promise<QueryFacts>;
  /**
   * The dataset protected from its facts by the source's own means (a sharded run's shards built its
   * rows and protected its family), or undefined to protect it here.
   */
  protect?(
    duck: Duck,
    run: DatasetRun,
    facts: QueryFacts,
    options: ProtectionOptions,
    logger: Logger,
  ): Promise<ProtectedDataset | undefined>;
  /** Whether the datasets `protect` returned were protected as families too (by a sharded run's shards). */
  protectsFamilies?: boolean;
  /**
   * What the daily contribution bound removed from the dataset's facts, when they come bounded already
   * (a sharded run's shards bound their days); undefined to bound them here.
   */
  dailyBound?(duck: Duck, dataset: DatasetDefinition): Promise<DailyBoundStats | undefined>;
}

/** The ingest options of a run's settings; `maxBadShare` unset when the caller judges the share itself. */
export function ingestOptionsOf(settings: Settings, progress: Progress, judgeRejects = true): IngestOptions {
  return {
    temporary: true,
    ...(judgeRejects ? { maxBadShare: settings.maxBadShare } : {}),
    ...(settings.optOut ? { optOut: settings.optOut } : {}),
    progress,
  };
}

/** Facts queried in this process from the archive files it reads. */
function archiveSource(
  settings: Settings,
  files: readonly ArchiveFile[],
  quarter: Quarter,
  logger: Logger,
  progress: Progress,
): FactsSource {
  return {
    inputs: files.map(inputOf),
    daysWithData: daysWithData(files),
    load: (duck) => loadEvents(duck, files, quarter, ingestOptionsOf(settings, progress), logger),
    facts: (duck, dataset, perBatch) => queryFacts(duck, dataset, quarter, settings.revise, perBatch),
  };
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
  return buildFromFacts(
    settings,
    logger,
    quarter,
    datasets,
    workDir,
    archiveSource(settings, files, quarter, logger, progress),
    progress,
  );
}

/** The build from the facts on: protect, write, check, into `workDir/out`. */
export async function buildFromFacts(
  settings: Settings,
  logger: Logger,
  quarter: Quarter,
  datasets: readonly DatasetDefinition[],
  workDir: string,
  source: FactsSource,
  progress: Progress = NO_PROGRESS,
): Promise<BuiltRelease> {
  const outDir = join(workDir, 'out');
  const companionsDir = join(workDir, 'companions');
  return withWorkDatabase(
    settings,
    workDir,
    source,
    [outDir, companionsDir],
    'building the datasets',
    async ({ duck, database, events, perBatch }) => {
      const companions = await populationCompanions(datasets, settings.queriesDir);
      const { protectedDatasets, familyOf } = await protectAll(
        duck,
        settings,
        logger,
        quarter,
        [...datasets, ...companions],
        source,
        perBatch,
        progress,
      );
      const inputs = source.inputs;
      const built: BuiltDataset[] = [];
      const builtCompanions: BuiltDataset[] = [];
      for (const [index, result] of protectedDatasets.entries()) {
        const companion = index >= datasets.length;
        const outFolder = companion ? companionsDir : outDir;
        const family = familyOf.get(result.dataset.name);
        const target = { keyTemplate: settings.keyTemplate, quarter, outDir: outFolder, inputs, family };
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
        events: { ...events, daysWithoutData: quarterDays(quarter).length - source.daysWithData },
      };
    },
  );
}

/** What a step of a build holds once its source is loaded and DuckDB is locked down. */
interface LoadedBuild {
  duck: Duck;
  database: string;
  events: IngestedEvents;
  /** Days per batch of every stage: about as many events, whatever the quarter's size. */
  perBatch: number;
}

/**
 * Opens the run's DuckDB in `workDir`, loads the source, locks DuckDB down to `writable` and runs
 * `build`; an error DuckDB raised (memory, disk) is reported as one of `stage`.
 */
async function withWorkDatabase<T>(
  settings: Settings,
  workDir: string,
  source: Pick<FactsSource, 'load' | 'daysWithData'>,
  writable: readonly string[],
  stage: string,
  build: (loaded: LoadedBuild) => Promise<T>,
): Promise<T> {
  await mkdir(workDir, { recursive: true });
  for (const dir of writable) await mkdir(dir, { recursive: true });
  const { duck, database } = await openWorkDatabase(settings, workDir);
  try {
    const events = await source.load(duck);
    const perBatch = valuesPerBatch(events.accepted, source.daysWithData);
    // Every file the run reads was read; from here on DuckDB touches the folders it writes alone.
    await lockDown(duck, writable);
    return await build({ duck, database, events, perBatch });
  } catch (error) {
    if (error instanceof PublisherError) throw error;
    throw (await resourceError(duck, error, stage)) ?? error;
  } finally {
    duck.close();
  }
}

/**
 * Every dataset's facts protected (by the source where it protected them elsewhere, as a sharded run's
 * shards do), then the families of a population protected together. Returns the datasets in order,
 * and the population of each event table protected as a family: its report says so.
 */
async function protectAll(
  duck: Duck,
  settings: Settings,
  logger: Logger,
  quarter: Quarter,
  datasets: readonly DatasetDefinition[],
  source: FactsSource,
  perBatch: number,
  progress: Progress,
): Promise<{ protectedDatasets: ProtectedDataset[]; familyOf: Map<string, string> }> {
  const protectedDatasets: ProtectedDataset[] = [];
  const protectedElsewhere = new Set<string>();
  for (const dataset of datasets) {
    const facts = await source.facts(duck, dataset, perBatch);
    const run = datasetRun(settings, dataset, quarter);
    const dailyBound = await source.dailyBound?.(duck, dataset);
    const options = { keepTables: settings.revise, perBatch, ...(dailyBound ? { dailyBound } : {}) };
    const elsewhere = await source.protect?.(duck, run, facts, options, logger);
    if (elsewhere) protectedElsewhere.add(dataset.name);
    protectedDatasets.push(elsewhere ?? (await protectDataset(duck, run, facts, options, logger)));
    progress.add('datasets');
  }
  const familyOf = new Map<string, string>();
  for (const group of linkedGroups(protectedDatasets)) {
    const names = group.map((result) => result.dataset.name);
    const eventFamily = group[0]!.dataset.measure.count === 'events';
    // A family protected where its rows were built (a sharded run's shards, day by day) is not protected again.
    if (!(source.protectsFamilies && names.every((name) => protectedElsewhere.has(name)))) {
      await protectLinkedRows(duck, group, logger, {
        threads: settings.threads,
        perBatch,
        ...(settings.memoryLimit === undefined ? {} : { memoryBytes: memoryBytes(settings.memoryLimit) }),
      });
    }
    if (eventFamily) for (const name of names) familyOf.set(name, populationOf(group[0]!.dataset)!);
  }
  return { protectedDatasets, familyOf };
}

/**
 * A shard's part of a sharded build: its archive files ingested (the reject share is judged by the
 * merge, over the whole quarter) and every dataset's facts queried, then `exchange` writes what the
 * merge needs. `exportDir` is the one folder DuckDB may still write once locked down.
 */
export async function buildShardFacts<T>(
  settings: Settings,
  logger: Logger,
  quarter: Quarter,
  datasets: readonly DatasetDefinition[],
  files: readonly ArchiveFile[],
  workDir: string,
  exportDir: string,
  exchange: (duck: Duck, events: IngestedEvents, facts: ReadonlyMap<DatasetDefinition, QueryFacts>) => Promise<T>,
): Promise<T> {
  const source = {
    daysWithData: daysWithData(files),
    load: (duck: Duck) => loadEvents(duck, files, quarter, ingestOptionsOf(settings, NO_PROGRESS, false), logger),
  };
  return withWorkDatabase(
    settings,
    workDir,
    source,
    [exportDir],
    "building the shard's facts",
    async ({ duck, events, perBatch }) => {
      const facts = new Map<DatasetDefinition, QueryFacts>();
      for (const dataset of datasets) {
        const queried = await queryFacts(duck, dataset, quarter, false, perBatch);
        // The bound is per machine and day, so a shard bounds its own days; what it removed from each
        // machine goes to the merge, which adds the shards' up for the quarter's report.
        const run = datasetRun(settings, dataset, quarter);
        await boundDailyContribution(duck, run, queried, datasetTables(dataset.name).boundRemoved);
        facts.set(dataset, queried);
      }
      return exchange(duck, events, facts);
    },
  );
}

/**
 * The labels step of a sharded run: from every daily dataset's facts of the whole quarter (the shards',
 * bounded), the quarter-wide decisions of its protection; `exchange` hands them on.
 */
export async function decideFromFacts<T>(
  settings: Settings,
  quarter: Quarter,
  datasets: readonly DatasetDefinition[],
  workDir: string,
  source: FactsSource,
  exportDir: string,
  exchange: (
    duck: Duck,
    decided: ReadonlyArray<{ dataset: DatasetDefinition; decisions: ProtectionDecisions }>,
  ) => Promise<T>,
): Promise<T> {
  return withWorkDatabase(settings, workDir, source, [exportDir], 'deciding the labels', async ({ duck, perBatch }) => {
    const decided: Array<{ dataset: DatasetDefinition; decisions: ProtectionDecisions }> = [];
    for (const dataset of datasets) {
      // The shards' facts come bounded (buildShardFacts).
      const facts = await source.facts(duck, dataset, perBatch);
      const run = datasetRun(settings, dataset, quarter);
      decided.push({ dataset, decisions: await decideProtection(duck, run, facts, { perBatch }) });
    }
    return exchange(duck, decided);
  });
}

/**
 * The cells step of a sharded run's shard: its days' facts (loaded by `source` with the quarter's
 * decisions) protected as a single run protects them, families included; `exchange` hands the rows on.
 */
export async function buildShardCells<T>(
  settings: Settings,
  logger: Logger,
  quarter: Quarter,
  datasets: readonly DatasetDefinition[],
  workDir: string,
  source: FactsSource,
  exportDir: string,
  exchange: (duck: Duck, protectedDatasets: readonly ProtectedDataset[]) => Promise<T>,
): Promise<T> {
  return withWorkDatabase(
    settings,
    workDir,
    source,
    [exportDir],
    "protecting the shard's days",
    async ({ duck, perBatch }) => {
      const { protectedDatasets } = await protectAll(
        duck,
        settings,
        logger,
        quarter,
        datasets,
        source,
        perBatch,
        NO_PROGRESS,
      );
      return exchange(duck, protectedDatasets);
    },
  );
}

/** Days with at least one of the files. */
function daysWithData(files: readonly ArchiveFile[]): number {
  return new Set(files.map((file) => file.day)).size;
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
