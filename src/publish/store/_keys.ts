import { PublisherError } from '../../core/errors.js';

/**
 * Keys are the same on every store, so a folder and a bucket hold the same layout: '/'-separated, no
 * leading '/', no empty, '.' or '..' segment (a local path must never escape its root), no backslash or
 * control character, at most 1024 bytes (the S3 limit).
 */
export function assertValidKey(key: string): void {
  const problem = keyProblem(key);
  if (problem) throw new PublisherError('E_CONFIG', `object key ${JSON.stringify(key)} ${problem}`);
}

/** Why `key` is not a valid key, or undefined; settings are checked with it before any write. */
export function keyProblem(key: string): string | undefined {
  if (key === '') return 'is empty';
  if (Buffer.byteLength(key) > 1024) return 'is longer than 1024 bytes';
  if (key.startsWith('/')) return "must not start with '/'";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\\\u0000-\u001f\u007f]/.test(key)) return 'must not contain a backslash or a control character';
  if (key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return "must not contain an empty, '.' or '..' segment";
  }
  return undefined;
}

/** A list prefix is '' or a key prefix; the same rules minus the last segment's. */
export function assertValidPrefix(prefix: string): void {
  if (prefix === '') return;
  const problem = keyProblem(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  if (problem) throw new PublisherError('E_CONFIG', `list prefix ${JSON.stringify(prefix)} ${problem}`);
}
