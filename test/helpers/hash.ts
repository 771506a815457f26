// The sha256 tests compare published checksums with: node:crypto directly, not src/core/hash.ts, so a
// bug in the job's own hashing cannot hide behind the same code computing the expected value.
import { createHash } from 'node:crypto';

export function sha256(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}
