import { CATALOG_KEYS } from './layout.js';
import type { Catalog, CatalogDataset, CatalogQuarter } from './model.js';

/**
 * README.md at the target root: what each dataset is, every published quarter, and a data dictionary
 * built from the queries' metadata (meaning, type, derivation of each column). Generated from the
 * catalog alone, so it can never disagree with index.json.
 */
export function renderReadme(catalog: Catalog): string {
  const lines = [
    '# Product usage telemetry: quarterly datasets',
    '',
    `Aggregated, k-anonymous usage data, one tab-separated file per dataset and quarter. Licence: [${catalog.license.title}](${catalog.license.url}) (${catalog.license.id}); see [${catalog.license.file.key}](${catalog.license.file.url}) for the attribution to give.`,
    '',
    `Catalog last updated ${catalog.updated}.`,
    '',
    '## Files',
    '',
    `- [${CATALOG_KEYS.index}](${CATALOG_KEYS.index}): every dataset and quarter with URL, size, sha256, rows, columns, schema version, first-published and last-revised times, and the privacy summary. Script against this.`,
    `- [${CATALOG_KEYS.datapackage}](${CATALOG_KEYS.datapackage}): the same files as a Frictionless Data Package (typed fields, TSV dialect).`,
    `- [${CATALOG_KEYS.sha256sums}](${CATALOG_KEYS.sha256sums}): checksums; verify downloads with \`sha256sum -c ${CATALOG_KEYS.sha256sums} --ignore-missing\`.`,
    `- [${CATALOG_KEYS.changelog}](${CATALOG_KEYS.changelog}): every publication and revision. A published file only changes through a revision listed there.`,
    '- `{dataset}-{year}-q{quarter}.tsv`: one quarter of a dataset; `{dataset}-{year}-q{quarter}.privacy.json` beside it is its privacy report.',
    '- `{dataset}-latest.tsv`: a copy of the newest quarter of a dataset, at a URL that never changes.',
    '',
    '## Format',
    '',
    "UTF-8 without BOM, LF line ends, one header row, tab-separated, never quoted. Values never contain tabs or line breaks. An empty field is a missing value. A text value that would start with `=`, `+`, `-` or `@` gets a leading apostrophe (spreadsheet formula injection); strip one leading `'` to get the raw value.",
    '',
    ...catalog.datasets.flatMap(datasetSection),
    '## Reading the data',
    '',
    ...readingExamples(catalog),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

function datasetSection(dataset: CatalogDataset): string[] {
  const newest = dataset.quarters[dataset.quarters.length - 1]!;
  const bySchema = new Map<number, CatalogQuarter[]>();
  for (const quarter of dataset.quarters)
    bySchema.set(quarter.schemaVersion, [...(bySchema.get(quarter.schemaVersion) ?? []), quarter]);
  return [
    `## ${cell(dataset.title)} (\`${dataset.name}\`)`,
    '',
    dataset.description,
    '',
    `One row: ${dataset.grain}.`,
    '',
    `Newest quarter: [${newest.quarter}](${newest.url}), also at [${dataset.latest.alias.key}](${dataset.latest.alias.url}).`,
    '',
    '| Quarter | File | Rows | Bytes | sha256 | First published | Last revised | Revision | Privacy report |',
    '|---|---|---:|---:|---|---|---|---:|---|',
    ...[...dataset.quarters]
      .reverse()
      .map(
        (quarter) =>
          `| ${quarter.quarter} | [${quarter.key}](${quarter.url}) | ${quarter.rows} | ${quarter.bytes} | \`${quarter.sha256}\` | ${quarter.firstPublished} | ${quarter.lastRevised} | ${quarter.revision} | [${quarter.privacyReport.key}](${quarter.privacyReport.url}) |`,
      ),
    '',
    `Privacy (${newest.quarter}): ${privacyLine(newest.privacy)}. The full report for each quarter is its \`.privacy.json\` file.`,
    '',
    ...[...bySchema.entries()]
      .sort(([a], [b]) => b - a)
      .flatMap(([version, quarters]) => [
        `### Columns, schema version ${version} (${quarters.map((quarter) => quarter.quarter).join(', ')})`,
        '',
        '| Column | Type | Meaning | How it was derived |',
        '|---|---|---|---|',
        ...quarters[quarters.length - 1]!.columns.map(
          (column) =>
            `| \`${column.name}\` | ${column.type} | ${cell(column.description)} | ${cell(column.derivation ?? '')} |`,
        ),
        '',
      ]),
  ];
}

function readingExamples(catalog: Catalog): string[] {
  const dataset = catalog.datasets[0];
  if (!dataset) return [];
  const url = dataset.latest.alias.url;
  return [
    'DuckDB (cannot glob over HTTPS: take the list of URLs from index.json):',
    '',
    '```sql',
    `SELECT * FROM read_csv('${url}', delim = '\\t', header = true, quote = '');`,
    '```',
    '',
    'pandas (keep empty fields and the text "NA" as they are):',
    '',
    '```python',
    'import pandas as pd',
    `df = pd.read_csv("${url}", sep="\\t", quoting=3, keep_default_na=False, na_values=[""])`,
    '```',
    '',
    'R (readr):',
    '',
    '```r',
    `df <- readr::read_tsv("${url}", quote = "", na = "")`,
    '```',
    '',
  ];
}

function privacyLine(privacy: Record<string, unknown>): string {
  return Object.entries(privacy)
    .map(
      ([key, value]) => `${key} ${typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}`,
    )
    .join('; ');
}

/** Text inside a Markdown table cell: no pipe, no line break. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}
