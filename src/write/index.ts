// The write stage: one protected dataset becomes the files that would be published, in the run's out
// folder: the TSV, its privacy report and its input manifest. The TSV is read back and checked before
// anyone may publish it.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { InputFile } from '../archive/index.js';
import { PublisherError } from '../core/errors.js';
import { fileDigest } from '../core/hash.js';
import { datasetKey, inputManifestKey, privacyReportKey } from '../core/keys.js';
import type { Logger } from '../core/log.js';
import { formatQuarter } from '../core/quarter.js';
import type { DatasetFile, Quarter } from '../core/release.js';
import type { Duck } from '../engine/duck.js';
import { type ProtectedDataset, type ProtectionStats, protectionStats } from '../protect/protect.js';
import { checkPublishedFile } from './check.js';
import { buildPrivacyReport, type PrivacyReport, privacySummary } from './privacy-report.js';
import { writeDatasetTsv } from './tsv.js';

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
  const stats = await protectionStats(duck, result);
  const report = buildPrivacyReport(dataset, quarter, parameters, result.labels, stats, result.dailyBound);
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
