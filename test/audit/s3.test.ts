// The audit over an S3 archive: the objects of the input manifest are copied from a real S3 server
// (s3rver on loopback) and read by the audit's own reader; one that is gone is named by its URL.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/publish/store/index.js';
import { machines } from '../helpers/archive.js';
import { addToArchive, folderIn, writeArchive } from '../helpers/build.js';
import { cli, cliUsagePublishArgs } from '../helpers/cli.js';
import { describe, expect, it, test } from '../helpers/fixtures.js';
import { type S3Server, startS3Server } from '../helpers/s3-server.js';

describe('audit of a quarter published from an S3 archive', () => {
  let server: S3Server;
  let store: Store;
  const saved = { ...process.env };

  test.beforeAll(async ({ fileTmp }) => {
    server = await startS3Server();
    Object.assign(process.env, server.env, { TP_S3_FORCE_PATH_STYLE: 'true' });
    store = openStore(`s3://${server.bucket}`, { forcePathStyle: true });
    const local = await writeArchive(fileTmp, { '2026-07-01': machines(8, 'a') });
    await addToArchive(local, { '2026-07-01': machines(6, 'b', { command: 'run' }) }, 'ndjson.gz');
    await addToArchive(local, { '2026-07-02': machines(6, 'c', { timestamp: '2026-07-02T09:00:00Z' }) }, 'ndjson');
    for (const day of await readdir(local)) {
      for (const name of await readdir(join(local, day)))
        await store.putFile(`events/${day}/${name}`, join(local, day, name), {
          contentType: 'application/octet-stream',
        });
    }
  });
  test.afterAll(async () => {
    process.env = saved;
    await server?.stop();
  });

  it('reads the staged copies of the manifest and reports an object removed since', async ({ tmp }) => {
    const archive = `s3://${server.bucket}/events`;
    const target = await folderIn(tmp, 'tp-audit-target-');
    const publish = await cli(cliUsagePublishArgs(archive, target));
    expect(publish.code, publish.log.join('\n')).toBe(0);
    const audit = () => cli(['audit', '--archive', archive, '--target', target, '--quarter', '2026-Q3']);
    const clean = await audit();
    expect(clean.code, clean.stdout).toBe(0);
    expect(clean.stdout).toMatch(/cli-usage 2026-Q3: 3 rows checked/);

    await store.delete('events/date=2026-07-01/events.ndjson.gz');
    const run = await audit();
    expect(run.code, run.stdout).toBe(9);
    expect(run.stdout).toMatch(
      new RegExp(
        `VIOLATION input_missing cli-usage 2026-Q3: s3://${server.bucket}/events/date=2026-07-01/events\\.ndjson\\.gz is in the input manifest but not in the archive`,
      ),
    );
  });
});
