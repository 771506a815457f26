/**
 * Object storage as the job sees it: a flat key space under one root (a local folder or an S3 prefix).
 * Keys use '/' and never start with one. Implementations: `local.ts` (a folder), `s3.ts` (S3 and
 * S3-compatible stores). `openStore(location)` in `index.ts` picks one from a location string.
 */
export interface ObjectInfo {
  key: string;
  bytes: number;
  /** Hex sha256 of the body when the store knows it (kept in object metadata by `put`). */
  sha256?: string;
  metadata?: Record<string, string>;
}

export interface PutOptions {
  contentType: string;
  cacheControl?: string;
  /** User metadata (S3 x-amz-meta-*): licence, sha256. Keys lower-case. */
  metadata?: Record<string, string>;
}

export interface Store {
  /** Human-readable location of a key, for logs: `s3://bucket/prefix/key` or an absolute path. */
  describe(key: string): string;
  /** Upload a local file (streamed; multipart when large). */
  putFile(key: string, localPath: string, options: PutOptions): Promise<ObjectInfo>;
  putBytes(key: string, body: string | Uint8Array, options: PutOptions): Promise<ObjectInfo>;
  /** Body of a key, or undefined when absent. */
  getBytes(key: string): Promise<Buffer | undefined>;
  /** Stream a key to a local file. Throws PublisherError E_STORE / E_ARCHIVE when absent. */
  download(key: string, localPath: string): Promise<void>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Every key under a prefix ('' = all), sorted by key. */
  list(prefix: string): Promise<ObjectInfo[]>;
  delete(key: string): Promise<void>;
}
