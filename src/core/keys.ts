// Object keys of a release: the data file from the configured URL template, the privacy report and the
// input manifest beside it, and its public URL.

import type { Quarter } from './release.js';

/** The stable URL template: `{dataset}-{year}-q{quarter}.tsv` unless configured otherwise. */
export function datasetKey(template: string, dataset: string, quarter: Quarter): string {
  return template
    .replaceAll('{dataset}', dataset)
    .replaceAll('{year}', String(quarter.year))
    .replaceAll('{quarter}', String(quarter.quarter));
}

/** The privacy report sits beside its data file. */
export function privacyReportKey(dataKey: string): string {
  return dataKey.replace(/\.tsv$/, '.privacy.json');
}

export function publicUrl(baseUrl: string | undefined, key: string): string | undefined {
  return baseUrl ? `${baseUrl}/${key.split('/').map(encodeURIComponent).join('/')}` : undefined;
}

/** The archive files a published quarter file was computed from (paths and sizes), for revisions. */
export function inputManifestKey(dataKey: string): string {
  return `inputs/${dataKey.replace(/\.tsv$/, '.json')}`;
}
