import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../../src/publish/store/store.js';
import { machines } from '../helpers/archive.js';
import { addToArchive, writeArchive } from '../helpers/build.js';
import { cli } from '../helpers/cli.js';
import { describe, expect, it, test } from '../helpers/fixtures.js';
import type { S3Server } from '../helpers/s3-server.js';

// The archive and the target both live on a real S3 server (s3rver) on loopback; the job reaches it
// through the standard AWS variables, as it would reach AWS, MinIO or R2.
describe('publishing from an S3 archive to an S3 target', () => {
  let server: S3Server;
  let store: Store;
  const saved = { ...process.env };

  test.beforeAll(async ({ s3, fileTmp }) => {
    server = s3.server;
    Object.assign(process.env, server.env, { TP_S3_FORCE_PATH_STYLE: 'true' });
    store = s3.store('');
    const local = await writeArchive(fileTmp, {
      '2026-07-01': machines(12, 'machine-s3-'),
      '2026-09-30': machines(12, 'machine-s3b-', { timestamp: '2026-09-30T23:59:59.999Z', command: 'run' }),
    });
    await addToArchive(local, { '2026-07-01': machines(6, 'machine-gz-') }, 'ndjson.gz');
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

  it('publishes, logs every object, never logs credentials, and a rerun uploads nothing', async () => {
    const args = [
      'publish',
      '--archive',
      `s3://${server.bucket}/events`,
      '--target',
      `s3://${server.bucket}/usage`,
      '--quarter',
      '2026-Q3',
      '--dataset',
      'cli-usage',
      '--k',
      '5',
      '--public-base-url',
      'https://data.example.org/usage',
    ];
    const first = await cli(args);
    expect(first.code, first.log.join('\n')).toBe(0);
    expect(first.stdout).toContain('https://data.example.org/usage/cli-usage-2026-q3.tsv');
    expect(first.log.join('\n')).not.toContain(server.credentials.secretAccessKey);

    const head = await store.head('usage/cli-usage-2026-q3.tsv');
    expect(head?.metadata?.license ?? head?.metadata?.license).toMatch(/CC-BY-4\.0/);
    const tsv = (await store.getBytes('usage/cli-usage-2026-q3.tsv'))!.toString('utf8');
    expect(tsv.split('\n')).toEqual([
      'Timestamp\tOccurrences\tCommand\tGeography\tOSFamily\tRuntimeID\tOSVersion\tSDKVersion',
      '2026-07-01\t18\tbuild\tUnited Kingdom\tLinux\tlinux-x64\t22.04\t8.0.100',
      '2026-09-30\t12\trun\tUnited Kingdom\tLinux\tlinux-x64\t22.04\t8.0.100',
      '',
    ]);
    const keys = (await store.list('usage/')).map((object) => object.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'usage/index.json',
        'usage/DATA_LICENSE.md',
        'usage/cli-usage-latest.tsv',
        'usage/SHA256SUMS',
      ]),
    );

    const second = await cli(args);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/objects written: 0/);

    const audit = await cli([
      'audit',
      '--archive',
      `s3://${server.bucket}/events`,
      '--target',
      `s3://${server.bucket}/usage`,
      '--quarter',
      '2026-Q3',
      '--dataset',
      'cli-usage',
    ]);
    expect(audit.code, audit.stdout).toBe(0);
    expect(audit.stdout).toMatch(/no violations/);
  });

  it('stops with exit 3 (not 7: a rerun cannot help) when the target bucket does not exist', async () => {
    const run = await cli([
      'publish',
      ...['--archive', `s3://${server.bucket}/events`, '--target', 's3://no-such-bucket/usage'],
      ...['--quarter', '2026-Q3', '--dataset', 'cli-usage', '--k', '5'],
    ]);
    expect(run.code).toBe(3);
    expect(run.log.join('\n')).toMatch(/The bucket "no-such-bucket" does not exist at this endpoint/);
  });
});
