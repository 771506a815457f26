// Issue 12's budget: writing the Parquet and gzip copies and the landing page may add at most 10% to a
// publish. Measured on the real run: the job logs how long the copies (written and read back against
// the TSV) and the page (index.html, datasets/*.html, catalog.jsonld) took; their upload is timed
// again here, through the job's own TargetWriter, into a fresh local target. The publish without them
// is the run's time less these three.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileDigest } from '../src/core/hash.js';
import { createMemoryLogger } from '../src/core/log.js';
import { putOptions } from '../src/publish/catalog/content-types.js';
import type { Catalog } from '../src/publish/catalog/model.js';
import { TargetWriter } from '../src/publish/catalog/writer.js';
import { LocalStore } from '../src/publish/store/local.js';

export interface ExtrasCost {
  copies: number;
  page: number;
  upload: number;
}

/** Seconds of the copies and the page, from the job's JSON log lines (stderr off a terminal). */
export function loggedSeconds(stderr: string): { copies: number; page: number } {
  const seconds = { copies: 0, page: 0 };
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    const event = JSON.parse(line) as { message: string; fields: { seconds?: number } };
    if (event.message === 'wrote copies') seconds.copies += event.fields.seconds ?? 0;
    if (event.message === 'rendered the page') seconds.page += event.fields.seconds ?? 0;
  }
  if (seconds.copies === 0 || seconds.page === 0)
    throw new Error('the publish logged no "wrote copies" or "rendered the page" line: cannot time them');
  return seconds;
}

/** Uploads the copies and the page files of a published `target` again, into `scratch`; seconds taken. */
export async function uploadSeconds(target: string, scratch: string): Promise<number> {
  const catalog = JSON.parse(await readFile(join(target, 'index.json'), 'utf8')) as Catalog;
  const pages = ['index.html', 'catalog.jsonld', ...catalog.datasets.map((dataset) => `datasets/${dataset.name}.html`)];
  const copies = catalog.datasets.flatMap((dataset) => dataset.quarters.flatMap((quarter) => quarter.formats ?? []));
  const writer = new TargetWriter(new LocalStore(scratch), {
    logger: createMemoryLogger(),
    dryRun: false,
    runId: 'bench',
    clock: () => new Date(),
  });
  const started = performance.now();
  for (const copy of copies)
    await writer.ensure(copy, { path: join(target, copy.key) }, putOptions(copy.key, 'quarterFile', copy.mediatype));
  for (const key of pages) {
    const path = join(target, key);
    await writer.ensure(
      { key, ...(await fileDigest(path)) },
      { body: await readFile(path, 'utf8') },
      putOptions(key, 'catalog'),
    );
  }
  return (performance.now() - started) / 1000;
}

export function formatExtras(publishSeconds: number, cost: ExtrasCost): string {
  const extras = cost.copies + cost.page + cost.upload;
  const without = publishSeconds - extras;
  return [
    '  copies and page (issue 12: at most +10% of the publish):',
    `    Parquet + .tsv.gz copies, written and read back   ${cost.copies.toFixed(1)} s (job log)`,
    `    landing page, dataset pages, catalog.jsonld       ${cost.page.toFixed(1)} s (job log)`,
    `    their upload to a local target                    ${cost.upload.toFixed(1)} s (timed again here)`,
    `    publish with them ${publishSeconds.toFixed(1)} s, without ${without.toFixed(1)} s: +${((100 * extras) / without).toFixed(1)}%`,
  ].join('\n');
}
