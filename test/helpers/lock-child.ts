/**
 * A run that takes the target lock and then hangs, for tests that `kill -9` a lock holder.
 * Usage: node --import tsx test/helpers/lock-child.ts <target> <holder>
 * Prints `locked` once the lock is confirmed. S3 settings come from the environment (s3-server.ts `env`).
 */

import { createLogger } from '../../src/core/log.js';
import { withTargetLock } from '../../src/publish/catalog/index.js';
import { openStore } from '../../src/publish/store/index.js';

const [target, holder] = process.argv.slice(2);
if (!target || !holder) throw new Error('usage: lock-child.ts <target> <holder>');
const store = openStore(target, {});
await withTargetLock(store, { logger: createLogger(), holder, settleMs: 50 }, async () => {
  process.stdout.write('locked\n');
  // Held until killed; the interval keeps the process alive (the lock's renewal timer does not).
  await new Promise(() => setInterval(() => undefined, 60_000));
});
