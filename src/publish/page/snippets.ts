// Copy-paste snippets for one quarter file, typed as in the README: text columns read as text (version
// columns look like numbers: 22.04), dates as dates, counts as integers; TSV never quoted.
import type { CatalogQuarter } from '../catalog/model.js';

export interface Snippet {
  language: 'python' | 'r' | 'sql' | 'sh';
  label: string;
  code: string;
}

export function snippetsFor(quarter: CatalogQuarter, url: string): Snippet[] {
  const text = quarter.columns.filter((column) => column.type === 'string').map((column) => column.name);
  const dates = quarter.columns.filter((column) => column.type === 'date').map((column) => column.name);
  const integers = quarter.columns.filter((column) => column.type === 'integer').map((column) => column.name);
  const measure = integers[0] ?? quarter.columns[1]?.name ?? '';
  const first = text.find((name) => name !== quarter.columns[0]?.name) ?? text[0] ?? '';
  const file = quarter.key.slice(quarter.key.lastIndexOf('/') + 1);
  const pyDtype = text.map((name) => `"${name}": str`).join(', ');
  const duckTypes = text.map((name) => `'${name}': 'VARCHAR'`).join(', ');
  const rTypes = [
    ...dates.map((name) => `${name} = col_date()`),
    ...integers.map((name) => `${name} = col_integer()`),
    '.default = col_character()',
  ].join(', ');
  return [
    {
      language: 'python',
      label: 'pandas',
      code: [
        'import pandas as pd',
        `df = pd.read_csv("${url}", sep="\\t", quoting=3,`,
        `                 dtype={${pyDtype}}, keep_default_na=False${dates.length > 0 ? `, parse_dates=${JSON.stringify(dates)}` : ''})`,
        `print(df.groupby("${first}")["${measure}"].sum().sort_values(ascending=False).head())`,
      ].join('\n'),
    },
    {
      language: 'r',
      label: 'R (readr)',
      code: [
        'library(readr)',
        `df <- read_tsv("${url}", quote = "", na = character(),`,
        `               col_types = cols(${rTypes}))`,
        `print(head(df[order(-df$${measure}), ]))`,
      ].join('\n'),
    },
    {
      language: 'sql',
      label: 'DuckDB',
      code: [
        `SELECT ${first}, sum(${measure}) AS ${measure.toLowerCase()}`,
        `FROM read_csv('${url}', delim = '\\t', quote = '',`,
        `              types = {${duckTypes}})`,
        `GROUP BY ALL ORDER BY ${measure.toLowerCase()} DESC;`,
      ].join('\n'),
    },
    {
      language: 'sh',
      label: 'curl and sha256sum',
      code: [`curl -fsSL -o ${file} "${url}"`, `echo "${quarter.sha256}  ${file}" | sha256sum -c -`].join('\n'),
    },
  ];
}
