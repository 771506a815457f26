// npm run readme-snippets: writes the repository README's "Reading a quarter" snippets, between their
// markers, from the code that writes them into the published README (src/publish/catalog/snippets.ts),
// for cli-usage 2026-Q3 under the README's example base URL. test/docs/readme.test.ts fails when the
// README differs from what a real publish writes.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULTS } from '../src/config.js';
import { datasetKey } from '../src/core/keys.js';
import type { Quarter } from '../src/core/release.js';
import { CATALOG_KEYS } from '../src/publish/catalog/layout.js';
import { snippetsBegin, snippetsEnd, snippetsFor, snippetsMarkdown } from '../src/publish/catalog/snippets.js';
import { loadDataset } from '../src/query/dataset.js';
import { copyKey } from '../src/write/formats.js';

/** The README's example: this dataset and quarter, published under this base URL. */
export const README_EXAMPLE = {
  dataset: 'cli-usage',
  quarter: { year: 2026, quarter: 3 } as Quarter,
  baseUrl: 'https://data.example.org/usage',
} as const;

export const README_PATH = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'README.md');

/** The snippets' Markdown for the README's example, as the publisher renders it. */
export async function exampleSnippets(): Promise<string> {
  const { dataset, quarter, baseUrl } = README_EXAMPLE;
  const key = datasetKey(DEFAULTS.keyTemplate, dataset, quarter);
  const url = (objectKey: string) => `${baseUrl}/${objectKey}`;
  const snippets = snippetsFor({
    columns: (await loadDataset(dataset)).columns,
    key,
    tsv: url(key),
    parquet: url(copyKey(key, 'parquet')),
    tsvGz: url(copyKey(key, 'tsv.gz')),
    sha256sums: url(CATALOG_KEYS.sha256sums),
  });
  return snippetsMarkdown(dataset, snippets);
}

/** The part of `text` from the dataset's begin marker to its end marker (both included), or undefined. */
export function snippetsSection(text: string, dataset: string): string | undefined {
  const begin = text.indexOf(snippetsBegin(dataset));
  const end = text.indexOf(snippetsEnd(dataset), begin);
  return begin < 0 || end < 0 ? undefined : text.slice(begin, end + snippetsEnd(dataset).length);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const readme = await readFile(README_PATH, 'utf8');
  const current = snippetsSection(readme, README_EXAMPLE.dataset);
  if (!current) throw new Error(`README.md has no ${snippetsBegin(README_EXAMPLE.dataset)} ... markers`);
  const at = readme.indexOf(current);
  await writeFile(README_PATH, readme.slice(0, at) + (await exampleSnippets()) + readme.slice(at + current.length));
  console.log('wrote the snippets of README.md');
}
