// What the pipeline hands to the publishing stage: plain values describing files already written
// locally. The publishing stage (src/publish/catalog) uploads them, verifies them, and updates the catalog.

export interface Quarter {
  year: number;
  quarter: 1 | 2 | 3 | 4;
}

export type ColumnType = 'date' | 'integer' | 'string' | 'boolean' | 'number';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  description: string;
  /** How the column was derived from the events, for the data dictionary. */
  derivation?: string;
}

export interface LocalObject {
  /** Object key under the target root, e.g. `cli-usage-2026-q3.tsv`. */
  key: string;
  localPath: string;
  contentType: string;
  bytes: number;
  /** Hex sha256 of the file. */
  sha256: string;
}

/** The copies published beside every TSV, under the same key template. */
export type CopyFormat = 'parquet' | 'tsv.gz';

/** A copy of the TSV in another format: the same rows, checked against the TSV before publishing. */
export interface FormatCopy extends LocalObject {
  format: CopyFormat;
}

export interface DatasetFile extends LocalObject {
  dataset: string;
  title: string;
  description: string;
  /** What one row is, e.g. "one UTC day x command x geography x OS x runtime x SDK". */
  grain: string;
  quarter: Quarter;
  rows: number;
  columns: ColumnSpec[];
  schemaVersion: number;
  /** Small summary copied into the catalog (k, cap, shares published/suppressed ...). */
  privacySummary: Record<string, unknown>;
  /** The machine-readable privacy report, published beside the data. */
  privacyReport: LocalObject;
  /** Which archive files (paths and sizes) the file was computed from, so a revision can be checked. */
  inputManifest?: LocalObject;
  /** The same rows as Parquet and as gzip TSV; the TSV (this object) stays the canonical file. */
  formats?: FormatCopy[];
}

/** Every object a dataset file brings: the data, its copies, its privacy report, its input manifest. */
export function objectsOf(file: DatasetFile): LocalObject[] {
  return [file, ...(file.formats ?? []), file.privacyReport, ...(file.inputManifest ? [file.inputManifest] : [])];
}

export interface Release {
  quarter: Quarter;
  files: DatasetFile[];
  /** ISO 8601 UTC time of this run. */
  generatedAt: string;
}

/** One line of the public changelog: a revision of published figures, a new quarter, a withheld change. */
export interface ChangelogEntry {
  dataset: string;
  quarter: Quarter;
  /** UTC day the entry is about, when it is about one day. */
  day?: string;
  message: string;
}

export interface ReleaseWithChangelog extends Release {
  changelog: ChangelogEntry[];
}
