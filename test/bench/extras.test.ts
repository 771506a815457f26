// The benchmark's measure of what the copies and the page cost: a real publish logs their times in its
// JSON lines, and the upload of those objects is redone, through the job's writer, byte for byte.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatExtras, loggedSeconds, uploadSeconds } from '../../bench/extras.js';
import { main } from '../../src/cli.js';
import { createMemoryLogger } from '../../src/core/log.js';
import { machines } from '../helpers/archive.js';
import { folderIn, writeArchive } from '../helpers/build.js';
import { cliUsagePublishArgs } from '../helpers/cli.js';
import { describe, expect, it } from '../helpers/fixtures.js';

describe('the cost of the copies and the page', () => {
  it('is read from the job log and the upload is redone with the same bytes', async ({ tmp }) => {
    const archive = await writeArchive(tmp, { '2026-07-01': machines(6, 'a') });
    const target = await folderIn(tmp, 'target-');
    const logger = createMemoryLogger('json');
    const code = await main(cliUsagePublishArgs(archive, target), logger, {
      write: () => true,
    } as unknown as NodeJS.WritableStream);
    expect(code, logger.lines.join('\n')).toBe(0);

    const logged = loggedSeconds(logger.lines.join('\n'));
    expect(logged.copies).toBeGreaterThan(0);
    expect(logged.page).toBeGreaterThan(0);
    const copies = logger.lines.map((line) => JSON.parse(line)).find((event) => event.message === 'wrote copies');
    expect(copies.fields).toMatchObject({
      dataset: 'cli-usage',
      keys: 'cli-usage-2026-q3.parquet,cli-usage-2026-q3.tsv.gz',
    });

    const scratch = await folderIn(tmp, 'upload-');
    expect(await uploadSeconds(target, scratch)).toBeGreaterThan(0);
    for (const key of [
      'cli-usage-2026-q3.parquet',
      'cli-usage-2026-q3.tsv.gz',
      'index.html',
      'catalog.jsonld',
      'datasets/cli-usage.html',
    ])
      expect(await readFile(join(scratch, key)), key).toEqual(await readFile(join(target, key)));
    expect(formatExtras(10, { copies: 0.5, page: 0.25, upload: 0.25 })).toContain('without 9.0 s: +11.1%');
  });

  it('refuses a log without those lines rather than count them as free', () => {
    expect(() => loggedSeconds('{"time":"t","level":"info","message":"published","fields":{}}')).toThrow(
      /cannot time them/,
    );
  });
});
