// A lock whose holder ran on this host and whose process is gone is taken over at once, logged, instead
// of blocking every run for the rest of its TTL. The holder is a real process, killed with SIGKILL.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../src/core/log.js';
import { withTargetLock } from '../../../src/publish/catalog/index.js';
import { openStore, type Store } from '../../../src/publish/store/index.js';
import { type S3Server, startS3Server } from '../../helpers/s3-server.js';

const CHILD = fileURLToPath(new URL('../../helpers/lock-child.ts', import.meta.url));

/** Starts a process that takes the lock of `target`, waits until it holds it, and kills it with SIGKILL. */
async function lockAndDie(target: string, env: Record<string, string>): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, target, 'doomed run'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((done) => child.on('close', (_code, signal) => done(signal)));
  await new Promise<void>((locked, failed) => {
    const timer = setTimeout(() => failed(new Error(`the child did not take the lock: ${stderr}`)), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      if (!chunk.toString().includes('locked')) return;
      clearTimeout(timer);
      locked();
    });
    child.on('close', () => failed(new Error(`the child exited before it took the lock: ${stderr}`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL'); // reaped: its pid is gone
  return child.pid!;
}

async function takeOver(store: Store, pid: number): Promise<void> {
  const logger = createMemoryLogger();
  const started = Date.now();
  expect(await withTargetLock(store, { logger, holder: 'next run', settleMs: 30 }, async () => 'ran')).toBe('ran');
  expect(Date.now() - started).toBeLessThan(60_000); // not the 15-minute TTL
  expect(logger.lines).toContainEqual(
    expect.stringMatching(
      new RegExp(
        `took over a stale lock of doomed run \\(host [^,]+, pid ${pid}, since [^)]+\\) reason="pid ${pid} is not running on this host"`,
      ),
    ),
  );
}

describe('a stale lock of a dead process on this host', () => {
  let work: string;
  let server: S3Server;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'stale-lock-'));
    server = await startS3Server();
  });
  afterAll(async () => {
    await server.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('is taken over at once on a local target', async () => {
    const target = join(work, 'target');
    const pid = await lockAndDie(target, {});
    await takeOver(openStore(target), pid);
  });

  it('is taken over at once on S3', async () => {
    const target = `s3://${server.bucket}/stale/`;
    const pid = await lockAndDie(target, server.env);
    const store = openStore(target, { credentials: server.credentials }, server.env);
    await takeOver(store, pid);
  });

  it('is honoured while its process lives', async () => {
    const target = join(work, 'alive');
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, target, 'live run'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      await new Promise<void>((locked) =>
        child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && locked()),
      );
      await expect(
        withTargetLock(
          openStore(target),
          { logger: createMemoryLogger(), holder: 'second', settleMs: 30 },
          async () => 'ran',
        ),
      ).rejects.toMatchObject({ code: 'E_LOCKED', message: expect.stringContaining('live run') });
    } finally {
      child.kill('SIGKILL');
    }
  });
});
