// The copy-paste snippets for reading one quarter: the one source of the published README's, the
// landing page's and (through `npm run readme-snippets`) the repository README's. Typed from the
// quarter's columns: text columns read as text (version columns look like numbers: `8.0`, `22.04`),
// dates as dates, counts as integers; the TSV is never quoted.
import type { ColumnSpec } from '../../core/release.js';
import type { Catalog, CatalogQuarter } from './model.js';

export interface Snippet {
  language: 'python' | 'r' | 'sql' | 'sh';
  /** What the snippet reads, e.g. `pandas, the .tsv.gz copy`; tests find a snippet by it. */
  label: string;
  /** A sentence a reader needs before running it (a dependency, a pitfall). */
  note?: string;
  code: string;
}

/** What a quarter's snippets need: its columns, its key, and the URLs of its files. */
export interface SnippetSource {
  columns: readonly ColumnSpec[];
  /** The TSV's object key: where curl saves it, as SHA256SUMS names it. */
  key: string;
  tsv: string;
  parquet?: string;
  tsvGz?: string;
  sha256sums: string;
}

export const HTTPFS_NOTE =
  "Reading an `https://` URL needs DuckDB's httpfs extension: run `INSTALL httpfs; LOAD httpfs;` once (recent DuckDB versions install and load it on first use, which needs network access to DuckDB's extension repository); without it, download the file and give its local path.";

/** The snippets' inputs from the catalog entry of a quarter. */
export function snippetSource(catalog: Catalog, quarter: CatalogQuarter): SnippetSource {
  const copy = (format: string) => quarter.formats?.find((each) => each.format === format)?.url;
  return {
    columns: quarter.columns,
    key: quarter.key,
    tsv: quarter.url,
    parquet: copy('parquet'),
    tsvGz: copy('tsv.gz'),
    sha256sums: catalog.links?.sha256sums.url ?? 'SHA256SUMS',
  };
}

export function snippetsFor(source: SnippetSource): Snippet[] {
  const { columns } = source;
  const text = columns.filter((column) => column.type === 'string').map((column) => column.name);
  const dates = columns.filter((column) => column.type === 'date').map((column) => column.name);
  const integers = columns.filter((column) => column.type === 'integer').map((column) => column.name);
  const measure = integers[0] ?? columns[1]?.name ?? '';
  const first = text.find((name) => name !== columns[0]?.name) ?? text[0] ?? '';
  const total = measure.toLowerCase();
  const pandas = (url: string) =>
    [
      'import pandas as pd',
      `df = pd.read_csv("${url}", sep="\\t", quoting=3,`,
      `                 dtype={${text.map((name) => `"${name}": str`).join(', ')}}, keep_default_na=False${dates.length > 0 ? `, parse_dates=${JSON.stringify(dates)}` : ''})`,
      `print(df.groupby("${first}")["${measure}"].sum().sort_values(ascending=False).head())`,
    ].join('\n');
  const rTypes = [
    ...dates.map((name) => `${name} = col_date()`),
    ...integers.map((name) => `${name} = col_integer()`),
    '.default = col_character()',
  ].join(', ');
  const readr = (url: string) =>
    [
      'library(readr)',
      `df <- read_tsv("${url}", quote = "", na = character(),`,
      `               col_types = cols(${rTypes}))`,
      `print(head(df[order(-df$${measure}), ]))`,
    ].join('\n');
  const aggregate = (from: string[]) =>
    [`SELECT ${first}, sum(${measure}) AS ${total}`, ...from, `GROUP BY ALL ORDER BY ${total} DESC;`].join('\n');
  const snippets: Snippet[] = [
    {
      language: 'python',
      label: 'pandas',
      note: 'text columns as `str`, so a version such as `8.0` stays `8.0`; `keep_default_na=False` keeps a value such as `NA` as text.',
      code: pandas(source.tsv),
    },
  ];
  if (source.tsvGz)
    snippets.push({
      language: 'python',
      label: 'pandas, the .tsv.gz copy',
      note: 'pandas decompresses it (from the `.gz` ending); the same rows as the TSV.',
      code: pandas(source.tsvGz),
    });
  snippets.push({ language: 'r', label: 'R (readr)', code: readr(source.tsv) });
  if (source.tsvGz)
    snippets.push({
      language: 'r',
      label: 'R (readr), the .tsv.gz copy',
      note: 'readr downloads and decompresses it.',
      code: readr(source.tsvGz),
    });
  snippets.push({
    language: 'sql',
    label: 'DuckDB',
    note: `\`read_csv\` needs the text columns typed, or its sniffer turns \`22.04\` into a number. ${HTTPFS_NOTE}`,
    code: aggregate([
      `FROM read_csv('${source.tsv}', delim = '\\t', quote = '',`,
      `              types = {${text.map((name) => `'${name}': 'VARCHAR'`).join(', ')}})`,
    ]),
  });
  if (source.parquet)
    snippets.push({
      language: 'sql',
      label: 'DuckDB, the .parquet copy',
      note: 'typed columns (versions are VARCHAR), the same schema in every quarter; an `https://` URL needs httpfs, as above.',
      code: aggregate([`FROM read_parquet('${source.parquet}')`]),
    });
  snippets.push({
    language: 'sh',
    label: 'curl and sha256sum',
    note: 'download the file and check it against SHA256SUMS.',
    code: [
      `curl -fsSL --create-dirs -o "${source.key}" "${source.tsv}"`,
      `curl -fsSL -o SHA256SUMS "${source.sha256sums}"`,
      'sha256sum -c --ignore-missing SHA256SUMS',
    ].join('\n'),
  });
  return snippets;
}

/**
 * The snippets of one dataset as Markdown, between markers naming it: the published README carries
 * them, and the repository README the same text for cli-usage (test/docs/readme.test.ts compares them).
 */
export function snippetsMarkdown(dataset: string, snippets: readonly Snippet[]): string {
  const blocks = snippets.map(
    (snippet) =>
      `${snippet.label}:${snippet.note ? ` ${snippet.note}` : ''}\n\n\`\`\`${snippet.language}\n${snippet.code}\n\`\`\``,
  );
  return [snippetsBegin(dataset), ...blocks, snippetsEnd(dataset)].join('\n\n');
}

export const snippetsBegin = (dataset: string): string => `<!-- snippets ${dataset} -->`;
export const snippetsEnd = (dataset: string): string => `<!-- /snippets ${dataset} -->`;
