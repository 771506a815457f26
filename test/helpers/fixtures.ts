// Vitest fixtures for the resources tests share, each one torn down after use, so that no test leaves a
// folder in the OS temp dir, an open DuckDB or a running server behind, whether it passes or fails.
//
//   import { test } from '../helpers/fixtures.js';
//   test('...', async ({ tmp, duck }) => { ... });
//
// - `tmp`: a fresh temp folder for one test, removed after it. Put everything the test writes in it
//   (`writeArchive(tmp, ...)`, `folderIn(tmp, ...)` from build.ts).
// - `fileTmp`: the same for a whole test file (for `test.beforeAll`), removed after the file's last test.
// - `duck`: an in-memory DuckDB for one test, closed after it.
// - `s3`: a real S3 server (s3rver) on loopback with one bucket, for a whole test file, and `s3.store()`
//   making `S3Store`s against it; the stores are destroyed and the server stopped after the file.
// Suite hooks get only the file-scoped ones: `test.beforeAll(async ({ s3, fileTmp }) => ...)`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from 'vitest';
import { type Duck, openDuck } from '../../src/engine/duck.js';
import { S3Store, type S3StoreOptions } from '../../src/publish/store/index.js';
import { type S3Server, startS3Server } from './s3-server.js';

export interface S3Fixture {
  server: S3Server;
  /** An S3Store on the fixture's bucket and server; `options` override any setting (e.g. a fault proxy's endpoint). */
  store(prefix?: string, options?: Partial<S3StoreOptions>): S3Store;
}

/** A temp folder removed by `onCleanup`; `force` so a test that removed it itself does not fail the teardown. */
async function removedAfter(prefix: string, onCleanup: (cleanup: () => Promise<void>) => void): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), prefix));
  onCleanup(() => rm(folder, { recursive: true, force: true }));
  return folder;
}

export const test = base
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  .extend('tmp', async ({}, { onCleanup }) => removedAfter('tp-test-', onCleanup))
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  .extend('fileTmp', { scope: 'file' }, async ({}, { onCleanup }) => removedAfter('tp-file-', onCleanup))
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  .extend('duck', async ({}, { onCleanup }): Promise<Duck> => {
    const duck = await openDuck();
    onCleanup(() => duck.close());
    return duck;
  })
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  .extend('s3', { scope: 'file' }, async ({}, { onCleanup }): Promise<S3Fixture> => {
    const server = await startS3Server();
    const stores: S3Store[] = [];
    onCleanup(async () => {
      for (const store of stores) store.destroy();
      await server.stop();
    });
    return {
      server,
      store: (prefix = '', options = {}) => {
        const store = new S3Store({
          bucket: server.bucket,
          prefix,
          endpoint: server.endpoint,
          forcePathStyle: true,
          region: 'us-east-1',
          credentials: server.credentials,
          ...options,
        });
        stores.push(store);
        return store;
      },
    };
  });

export { describe, expect } from 'vitest';
export const it = test;
