import { readdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { machines } from '../helpers/archive.js';
import { folderIn, writeArchive } from '../helpers/build.js';
import { cli } from '../helpers/cli.js';
import { describe, expect, it, test } from '../helpers/fixtures.js';
import type { S3Server } from '../helpers/s3-server.js';

// Credentials and reachability of an S3 target or archive are checked by one request before the
// computation starts: a refusal is configuration (exit 3) naming the bucket and what to set, not a
// storage failure (exit 7) after the whole build.
describe('S3 pre-flight', () => {
  let server: S3Server;
  let archive: string;
  const saved = { ...process.env };

  test.beforeAll(async ({ s3, fileTmp }) => {
    server = s3.server;
    archive = await writeArchive(fileTmp, { '2026-07-01': machines(12, 'pre-') });
  });
  test.afterEach(() => {
    process.env = { ...saved };
  });

  const publish = (target: string, tempDir: string, archiveAt = archive) =>
    cli([
      'publish',
      '--archive',
      archiveAt,
      '--target',
      target,
      '--quarter',
      '2026-Q3',
      '--dataset',
      'cli-usage',
      '--k',
      '5',
      '--temp-dir',
      tempDir,
      '--s3-force-path-style',
    ]);

  /** Nothing computed: the archive was not read and no work folder was made. */
  async function expectNothingComputed(run: { log: string[] }, tempDir: string): Promise<void> {
    expect(run.log.join('\n')).not.toContain('read archive');
    expect(await readdir(tempDir)).toEqual([]);
  }

  it('refused credentials are exit 3 naming the bucket and the variables to set', async ({ tmp }) => {
    Object.assign(process.env, server.env, { AWS_ACCESS_KEY_ID: 'WRONGKEY', AWS_SECRET_ACCESS_KEY: 'wrong-secret' });
    const tempDir = await folderIn(tmp, 'work-');
    const run = await publish(`s3://${server.bucket}/usage`, tempDir);
    expect(run.code, run.log.join('\n')).toBe(3);
    const message = run.log.join('\n');
    expect(message).toContain(`checking the target s3://${server.bucket}/usage/ before the run`);
    expect(message).toContain(`bucket "${server.bucket}"`);
    expect(message).toContain('access denied');
    expect(message).toContain('AWS_ACCESS_KEY_ID');
    expect(message).not.toContain('wrong-secret');
    await expectNothingComputed(run, tempDir);
  });

  it('no credentials at all are exit 3 saying what to set', async ({ tmp }) => {
    Object.assign(process.env, server.env, {
      AWS_SHARED_CREDENTIALS_FILE: `${tmp}/none`,
      AWS_CONFIG_FILE: `${tmp}/none`,
    });
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    delete process.env.AWS_PROFILE;
    const tempDir = await folderIn(tmp, 'work-');
    const run = await publish(`s3://${server.bucket}/usage`, tempDir);
    expect(run.code, run.log.join('\n')).toBe(3);
    expect(run.log.join('\n')).toMatch(/no S3 credentials were found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    await expectNothingComputed(run, tempDir);
  });

  it('an endpoint on a closed port is exit 3 naming the endpoint setting', async ({ tmp }) => {
    const closed = await closedPort();
    Object.assign(process.env, server.env, { AWS_ENDPOINT_URL: `http://127.0.0.1:${closed}` });
    const tempDir = await folderIn(tmp, 'work-');
    const run = await publish(`s3://${server.bucket}/usage`, tempDir);
    expect(run.code, run.log.join('\n')).toBe(3);
    expect(run.log.join('\n')).toContain(`at http://127.0.0.1:${closed}`);
    expect(run.log.join('\n')).toContain('the endpoint does not answer');
    expect(run.log.join('\n')).toContain('AWS_ENDPOINT_URL');
    await expectNothingComputed(run, tempDir);
  });

  it('an S3 archive is checked the same way, and a missing bucket is exit 3', async ({ tmp }) => {
    Object.assign(process.env, server.env, { AWS_ACCESS_KEY_ID: 'WRONGKEY', AWS_SECRET_ACCESS_KEY: 'wrong-secret' });
    const tempDir = await folderIn(tmp, 'work-');
    const target = await folderIn(tmp, 'target-');
    const refused = await publish(target, tempDir, `s3://${server.bucket}/events`);
    expect(refused.code, refused.log.join('\n')).toBe(3);
    expect(refused.log.join('\n')).toContain(`checking the archive s3://${server.bucket}/events/`);
    process.env = { ...saved };
    Object.assign(process.env, server.env);
    const missing = await publish('s3://no-such-bucket/usage', tempDir);
    expect(missing.code, missing.log.join('\n')).toBe(3);
    expect(missing.log.join('\n')).toContain('bucket "no-such-bucket"');
    await expectNothingComputed(missing, tempDir);
  });

  it('with good credentials the run goes on and publishes', async ({ tmp }) => {
    Object.assign(process.env, server.env);
    const run = await publish(`s3://${server.bucket}/preflight-ok`, await folderIn(tmp, 'work-'));
    expect(run.code, run.log.join('\n')).toBe(0);
  });
});

/** A port nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
