// A publishing run in its own process, for tests that `kill -9` it mid-run or race it against another
// run. Usage: node --import tsx test/helpers/publish-child.ts <spec.json>
// The S3 endpoint, path style and credentials come from the environment (s3-server.ts `env`), as for
// the real job. Exits with the job's exit code for a PublisherError.

import { readFile } from 'node:fs/promises';
import { EXIT_CODES, isPublisherError } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/log.js';
import type { ReleaseWithChangelog } from '../../src/core/release.js';
import { publishRelease, withTargetLock } from '../../src/publish/catalog/index.js';
import { openStore } from '../../src/publish/store/index.js';

export interface ChildSpec {
  target: string;
  release: ReleaseWithChangelog;
  licensePath: string;
  now: string;
  runId: string;
  holder: string;
  lockTtlSeconds: number;
  partSizeBytes?: number;
  socketTimeoutMs?: number;
}

const specPath = process.argv[2];
if (!specPath) throw new Error('usage: publish-child.ts <spec.json>');
const spec = JSON.parse(await readFile(specPath, 'utf8')) as ChildSpec;
const logger = createLogger();
const store = openStore(spec.target, {
  logger,
  ...(spec.partSizeBytes !== undefined ? { partSizeBytes: spec.partSizeBytes } : {}),
  ...(spec.socketTimeoutMs !== undefined ? { socketTimeoutMs: spec.socketTimeoutMs } : {}),
});
try {
  const outcome = await withTargetLock(
    store,
    { logger, holder: spec.holder, ttlSeconds: spec.lockTtlSeconds, settleMs: 50 },
    () =>
      publishRelease(store, spec.release, {
        logger,
        dryRun: false,
        licensePath: spec.licensePath,
        now: () => new Date(spec.now),
        runId: spec.runId,
      }),
  );
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
  process.exit(0);
} catch (error) {
  logger.error((error as Error).message, { code: isPublisherError(error) ? error.code : 'E_INTERNAL' });
  process.exit(isPublisherError(error) ? EXIT_CODES[error.code] : 1);
}
