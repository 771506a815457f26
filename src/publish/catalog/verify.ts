import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileDigest } from '../../core/hash.js';
import type { Store } from '../store/index.js';

export interface Expected {
  key: string;
  bytes: number;
  sha256: string;
}

/**
 * Checks that an object is in the target with the expected size and sha256: by HEAD and the sha256 in
 * its metadata, or, when the store does not know the checksum, by downloading and hashing it.
 * Returns what is wrong, or undefined when the object is as expected.
 */
export async function objectProblem(store: Store, expected: Expected): Promise<string | undefined> {
  const info = await store.head(expected.key);
  if (!info) return 'missing';
  if (info.bytes !== expected.bytes) return `${info.bytes} bytes instead of ${expected.bytes}`;
  const sha256 = info.sha256 ?? (await hashRemote(store, expected.key));
  return sha256 === expected.sha256 ? undefined : `sha256 ${sha256} instead of ${expected.sha256}`;
}

async function hashRemote(store: Store, key: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'publisher-verify-'));
  try {
    const path = join(folder, 'object');
    await store.download(key, path);
    return (await fileDigest(path)).sha256;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
