import { CATALOG_KEYS } from './layout.js';
import type { Catalog, CatalogDataset, CatalogQuarter } from './model.js';
import { snippetSource, snippetsFor, snippetsMarkdown } from './snippets.js';

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
    `- [${CATALOG_KEYS.page}](${CATALOG_KEYS.page}): the landing page, and \`datasets/{dataset}.html\` one page per dataset with its charts; [${CATALOG_KEYS.dcat}](${CATALOG_KEYS.dcat}): the catalog as DCAT, for metadata portals.`,
    '- `{dataset}-{year}-q{quarter}.tsv`: one quarter of a dataset; `{dataset}-{year}-q{quarter}.privacy.json` beside it is its privacy report.',
    '- `{dataset}-{year}-q{quarter}.parquet` and `{dataset}-{year}-q{quarter}.tsv.gz`: the same rows as the TSV, as Parquet (typed columns) and gzip-compressed; checked against the TSV before publishing.',
    '- `{dataset}-latest.tsv`: a copy of the newest quarter of a dataset, at a URL that never changes.',
    '',
    '## Format',
    '',
    'UTF-8 without BOM, LF line ends, one header row, tab-separated, never quoted. Values never contain tabs or line breaks. An empty field is a missing value. No value holds a double quote (a `"` is published as `\'`), so a reader that treats `"` as a quote character reads the same values. A text value that would start with `=`, `+`, `-` or `@` gets a leading apostrophe (spreadsheet formula injection); strip one leading `\'` to get the raw value.',
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

/** The snippets of every dataset's newest quarter, typed for its columns. */
function readingExamples(catalog: Catalog): string[] {
  return [
    "Beside each TSV, under the same template, sit its copies (index.json lists them in each quarter's `formats`): `.parquet` (typed columns, the same schema in every quarter) and `.tsv.gz` (the TSV gzip-compressed). Several quarters: take the list of URLs from index.json (over HTTPS DuckDB cannot glob) and give DuckDB the list (`read_parquet([...])`, `read_csv([...], ...)`).",
    '',
    ...catalog.datasets.flatMap((dataset) => {
      const newest = dataset.quarters[dataset.quarters.length - 1]!;
      return [
        `### \`${dataset.name}\`, ${newest.quarter}`,
        '',
        snippetsMarkdown(dataset.name, snippetsFor(snippetSource(catalog, newest))),
        '',
      ];
    }),
  ];
}

/**
 * The catalog's privacy summary in words. A figure the report withholds or that does not apply (null:
 * no contribution cap when counting installations, shares withheld) is said so, never printed as null.
 */
export function privacyLine(privacy: Record<string, unknown>): string {
  const { k, contributionCap, rowsPublished, rowsSuppressed, shares, ...others } = privacy;
  const parts: string[] = [];
  if (typeof k === 'number') parts.push(`every row rests on at least k=${k} distinct machines`);
  if (typeof contributionCap === 'number') parts.push(`one machine adds at most ${contributionCap} to a row`);
  if (typeof rowsPublished === 'number')
    parts.push(
      `${rowsPublished} rows published${typeof rowsSuppressed === 'number' ? `, ${rowsSuppressed} suppressed` : ''}`,
    );
  if (isShares(shares))
    parts.push(
      `share of the measure at full detail ${percent(shares.detail)}, generalised ${percent(shares.generalised)}, in remainder rows ${percent(shares.remainder)}, suppressed ${percent(shares.suppressed)}`,
    );
  else if (shares === null) parts.push('the shares of the measure are withheld (they would disclose a small figure)');
  for (const [key, value] of Object.entries(others))
    if (value !== null && value !== undefined)
      parts.push(`${key} ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  return parts.join('; ');
}

function isShares(value: unknown): value is Record<'detail' | 'generalised' | 'remainder' | 'suppressed', number> {
  if (typeof value !== 'object' || value === null) return false;
  const shares = value as Record<string, unknown>;
  return ['detail', 'generalised', 'remainder', 'suppressed'].every((key) => typeof shares[key] === 'number');
}

const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;

/** Text inside a Markdown table cell: no pipe, no line break. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}
