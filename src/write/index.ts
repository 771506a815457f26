// The write stage: one protected dataset becomes the files that would be published, in the run's out
// folder: the TSV, its Parquet and gzip copies, its privacy report and its input manifest. The TSV is
// read back and checked before anyone may publish it, and each copy must hold exactly the TSV's rows.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { InputFile } from '../archive/index.js';
import { PublisherError } from '../core/errors.js';
import { fileDigest } from '../core/hash.js';
import { datasetKey, inputManifestKey, privacyReportKey } from '../core/keys.js';
import type { Logger } from '../core/log.js';
import { formatQuarter } from '../core/quarter.js';
import type { DatasetFile, FormatCopy, Quarter } from '../core/release.js';
import type { Duck } from '../engine/duck.js';
import { type ProtectedDataset, type ProtectionStats, protectionStats } from '../protect/protect.js';
import { checkPublishedFile } from './check.js';
import { COPY_FORMATS, COPY_MEDIA_TYPES, copyKey, copyProblems, writeGzip, writeParquet } from './formats.js';
import { buildPrivacyReport, type PrivacyReport, privacySummary } from './privacy-report.js';
import { publishedRows, writeDatasetTsv } from './tsv.js';

export interface BuiltDataset {
  file: DatasetFile;
  stats: ProtectionStats;
  report: PrivacyReport;
}

export interface WriteTarget {
  /** Object key template, `{dataset}-{year}-q{quarter}.tsv` by default. */
  keyTemplate: string;
  quarter: Quarter;
  /** Folder the files are written to, under their object keys. */
  outDir: string;
  /** The archive files the quarter was computed from, for the input manifest. */
  inputs: readonly InputFile[];
  /** The population of the family of event tables this one was protected with, if any. */
  family?: string | undefined;
}

/** Writes one protected dataset's TSV and privacy report, and checks the TSV before anyone may publish it. */
export async function writeDataset(
  duck: Duck,
  result: ProtectedDataset,
  target: WriteTarget,
  logger: Logger,
): Promise<BuiltDataset> {
  const { dataset, parameters } = result;
  const { quarter, outDir, inputs } = target;
  const key = datasetKey(target.keyTemplate, dataset.name, quarter);
  const path = join(outDir, key);
  await mkdir(dirname(path), { recursive: true });
  const rows = await writeDatasetTsv(duck, result, path);
  const violations = await checkPublishedFile(duck, result, path);
  if (violations.length > 0) {
    for (const violation of violations)
      logger.error('privacy check failed', { dataset: dataset.name, rule: violation.rule, detail: violation.detail });
    throw new PublisherError(
      'E_PRIVACY_CHECK',
      `the independent privacy check found ${violations.length} problem(s) in ${key} (first: ${violations[0]!.rule}: ${violations[0]!.detail}); nothing was published`,
    );
  }
  const copiesStarted = performance.now();
  const formats = await writeCopies(duck, result, key, path, outDir, logger);
  // Their cost is a budget of the run (at most 10% of it on the 10M bench quarter): bench/bench.ts reads it here.
  logger.info('wrote copies', {
    dataset: dataset.name,
    keys: formats.map((copy) => copy.key).join(','),
    bytes: formats.reduce((sum, copy) => sum + copy.bytes, 0),
    seconds: secondsSince(copiesStarted),
  });
  const stats = await protectionStats(duck, result);
  const report = buildPrivacyReport(
    dataset,
    quarter,
    parameters,
    result.labels,
    stats,
    result.dailyBound,
    target.family,
  );
  const reportKey = privacyReportKey(key);
  const reportPath = join(outDir, reportKey);
  await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  const manifestKey = inputManifestKey(key);
  const manifestPath = join(outDir, manifestKey);
  await mkdir(dirname(manifestPath), { recursive: true });
  await writeFile(
    manifestPath,
    `${JSON.stringify({ dataset: dataset.name, quarter: formatQuarter(quarter), files: inputs }, null, 2)}\n`,
  );
  const digest = await fileDigest(path);
  const reportDigest = await fileDigest(reportPath);
  logger.info('built dataset file', { dataset: dataset.name, key, rows, bytes: digest.bytes, sha256: digest.sha256 });
  return {
    stats,
    report,
    file: {
      dataset: dataset.name,
      title: dataset.title,
      description: dataset.description,
      grain: dataset.grain,
      quarter,
      key,
      localPath: path,
      contentType: 'text/tab-separated-values; charset=utf-8',
      ...digest,
      rows,
      columns: dataset.columns,
      schemaVersion: dataset.schemaVersion,
      formats,
      privacySummary: privacySummary(report),
      privacyReport: { key: reportKey, localPath: reportPath, contentType: 'application/json', ...reportDigest },
      inputManifest: {
        key: manifestKey,
        localPath: manifestPath,
        contentType: 'application/json',
        ...(await fileDigest(manifestPath)),
      },
    },
  };
}

const secondsSince = (started: number): number => Math.round(performance.now() - started) / 1000;

/**
 * The Parquet and gzip copies of a checked TSV, beside it under the same template. Parquet is written
 * from the same sorted rows (not parsed from the TSV: the types come from dataset.json), gzip from the
 * TSV's bytes. A copy that does not read back as exactly the TSV's rows is a privacy-check failure: only
 * the TSV's rows were checked.
 */
async function writeCopies(
  duck: Duck,
  result: ProtectedDataset,
  key: string,
  tsvPath: string,
  outDir: string,
  logger: Logger,
): Promise<FormatCopy[]> {
  const { dataset } = result;
  const { select, orderBy } = publishedRows(result);
  const copies: FormatCopy[] = [];
  for (const format of COPY_FORMATS) {
    const formatKey = copyKey(key, format);
    const path = join(outDir, formatKey);
    if (format === 'parquet') await writeParquet(duck, select, dataset.columns, orderBy, path);
    else await writeGzip(tsvPath, path);
    const problems = await copyProblems(duck, dataset.columns, tsvPath, { format, path });
    if (problems.length > 0) {
      for (const problem of problems)
        logger.error('privacy check failed', { dataset: dataset.name, rule: 'copy', detail: problem });
      throw new PublisherError(
        'E_PRIVACY_CHECK',
        `${formatKey} does not hold exactly the rows of ${key} (${problems[0]}); nothing was published`,
      );
    }
    copies.push({
      format,
      key: formatKey,
      localPath: path,
      contentType: COPY_MEDIA_TYPES[format],
      ...(await fileDigest(path)),
    });
  }
  return copies;
}
