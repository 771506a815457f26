import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../../src/publish/store/store.js';
import { cli } from '../helpers/cli.js';
import { describe, expect, it, test } from '../helpers/fixtures.js';
import type { S3Server } from '../helpers/s3-server.js';
import { writeShardedArchive } from './fixture.js';

// A sharded run whose archive and target (and so its staging area) are on a real S3 server (s3rver)
// on loopback, the shard processes reaching it through the standard AWS variables.
describe('publish --workers 2 with S3 staging', () => {
  let server: S3Server;
  let store: Store;
  const saved = { ...process.env };

  test.beforeAll(async ({ s3, fileTmp }) => {
    server = s3.server;
    Object.assign(process.env, server.env, { TP_S3_FORCE_PATH_STYLE: 'true' });
    store = s3.store('');
    const local = await writeShardedArchive(fileTmp);
    for (const day of await readdir(local)) {
      for (const name of await readdir(join(local, day))) {
        await store.putFile(`events/${day}/${name}`, join(local, day, name), {
          contentType: 'application/octet-stream',
        });
      }
    }
  });
  test.afterAll(() => {
    process.env = saved;
  });

  it('publishes the objects a single-process run publishes, byte for byte, and removes its staging objects', async () => {
    const publish = (prefix: string, ...more: string[]) =>
      cli([
        ...['publish', '--archive', `s3://${server.bucket}/events`, '--target', `s3://${server.bucket}/${prefix}`],
        ...['--quarter', '2026-Q3', '--k', '5', '--max-bad-share', '0.05', ...more],
      ]);
    const single = await publish('single');
    expect(single.code, single.log.join('\n')).toBe(0);
    const sharded = await publish('sharded', '--workers', '2');
    expect(sharded.code, sharded.log.join('\n')).toBe(0);
    // Through the S3 store: the plan; both shards' manifest and 17 Parquet files (machines, values,
    // events, and the facts and bound of each of the family's seven daily tables); the labels step's labels.json
    // and 41 decision tables (each daily table's labels and codes of its 17 dimensions in all, and
    // its time codes); both shards' cells.json and the rows and packed record of the seven tables.
    expect(sharded.log.join('\n')).toMatch(/shard 1: shard finished/);
    expect(sharded.log.join('\n')).toMatch(/shard 1: shard's cells finished/);
    expect(sharded.log.join('\n')).toMatch(/merging the shards' protected rows/);
    expect(sharded.log.join('\n')).toMatch(
      /removed the run's staging area prefix=s3:\/\/telemetry-test\/sharded\/_staging\/[^ ]+\/ objects=109/,
    );
    const data = (await store.list('single/'))
      .map((object) => object.key.slice('single/'.length))
      .filter((key) => /^(cli-usage|installations|feature-usage)-|^inputs\/|^SHA256SUMS$/.test(key));
    expect(data.length).toBeGreaterThan(10);
    for (const key of data) {
      expect((await store.getBytes(`sharded/${key}`))?.equals((await store.getBytes(`single/${key}`))!), key).toBe(
        true,
      );
    }
    expect(await store.list('sharded/_staging/')).toEqual([]);
  });
});
