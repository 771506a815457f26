import { createHash, randomBytes } from 'node:crypto';
import type { Dirent, Stats } from 'node:fs';
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { PublisherError } from '../../core/errors.js';
import type { IncompleteWriteCleaner, StoredObjectInfo } from './_capabilities.js';
import { assertValidKey, assertValidPrefix } from './_keys.js';
import type { ObjectInfo, PutOptions, Store } from './store.js';

/** Sidecars (sha256, content type, metadata) live under this folder of the root; `list` never shows it. */
const META_DIR = '.meta';
/** Temp files sit beside their target (same filesystem, so rename is atomic) under this name prefix. */
const TEMP_PREFIX = '.tmp-';

interface Sidecar {
  sha256: string;
  bytes: number;
  contentType: string;
  cacheControl?: string;
  metadata: Record<string, string>;
  /** Identity of the file the sidecar describes: a stale sidecar (crash between the two renames) is ignored. */
  ino: number;
  mtimeMs: number;
}

/**
 * A Store over a local folder (default target `output/`). Every write goes to a temp file in the same
 * folder, is fsynced, then renamed over the key, so a reader sees the old file or the new one, never a
 * part. The sidecar is written after the data; `head` trusts it only while it names the file's inode,
 * size and mtime, so a sidecar left stale by a crash reports "sha256 unknown" instead of a wrong value.
 */
export class LocalStore implements Store, IncompleteWriteCleaner {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  describe(key: string): string {
    return key === '' ? this.root : join(this.root, key);
  }

  async putFile(key: string, localPath: string, options: PutOptions): Promise<ObjectInfo> {
    return this.put(key, options, async (handle) => {
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(localPath)) {
        hash.update(chunk as Buffer);
        await handle.write(chunk as Buffer);
      }
      return hash.digest('hex');
    });
  }

  async putBytes(key: string, body: string | Uint8Array, options: PutOptions): Promise<ObjectInfo> {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    return this.put(key, options, async (handle) => {
      await handle.write(bytes);
      return createHash('sha256').update(bytes).digest('hex');
    });
  }

  async getBytes(key: string): Promise<Buffer | undefined> {
    const path = this.pathOf(key);
    try {
      return await readFile(path);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw storeError('read', path, error);
    }
  }

  async download(key: string, localPath: string): Promise<void> {
    const path = this.pathOf(key);
    if (!(await this.head(key))) throw new PublisherError('E_STORE', `cannot download ${path}: no such object`);
    try {
      await mkdir(dirname(localPath), { recursive: true });
      await writeAtomically(localPath, async (handle) => {
        for await (const chunk of createReadStream(path)) await handle.write(chunk as Buffer);
      });
    } catch (error) {
      throw storeError(`copy to ${localPath}`, path, error);
    }
  }

  async head(key: string): Promise<StoredObjectInfo | undefined> {
    const path = this.pathOf(key);
    let stats: Stats;
    try {
      stats = await stat(path);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw storeError('stat', path, error);
    }
    if (!stats.isFile()) return undefined;
    const sidecar = await this.readSidecar(key);
    const current =
      sidecar && sidecar.ino === stats.ino && sidecar.mtimeMs === stats.mtimeMs && sidecar.bytes === stats.size;
    if (!current) return { key, bytes: stats.size };
    return {
      key,
      bytes: stats.size,
      sha256: sidecar.sha256,
      metadata: { ...sidecar.metadata },
      contentType: sidecar.contentType,
      ...(sidecar.cacheControl !== undefined ? { cacheControl: sidecar.cacheControl } : {}),
    };
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    assertValidPrefix(prefix);
    const slash = prefix.lastIndexOf('/');
    const found: ObjectInfo[] = [];
    await this.walk(slash < 0 ? '' : prefix.slice(0, slash), prefix, found);
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await rm(path, { force: true });
      await rm(this.sidecarPath(key), { force: true });
    } catch (error) {
      throw storeError('delete', path, error);
    }
  }

  async abortIncompleteWrites(startedBefore: Date): Promise<string[]> {
    const removed: string[] = [];
    const visit = async (folder: string): Promise<void> => {
      const entries = await readdir(folder, { withFileTypes: true }).catch((error: unknown) => {
        if (isNotFound(error)) return [];
        throw storeError('list', folder, error);
      });
      for (const entry of entries) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) await visit(path);
        else if (entry.name.startsWith(TEMP_PREFIX) && (await stat(path)).mtimeMs < startedBefore.getTime()) {
          await rm(path, { force: true });
          removed.push(path);
        }
      }
    };
    await visit(this.root);
    return removed;
  }

  private async put(
    key: string,
    options: PutOptions,
    fill: (handle: FileHandle) => Promise<string>,
  ): Promise<ObjectInfo> {
    const path = this.pathOf(key);
    let sha256 = '';
    let stats: Stats;
    try {
      await mkdir(dirname(path), { recursive: true });
      stats = await writeAtomically(path, async (handle) => {
        sha256 = await fill(handle);
        const declared = options.metadata?.sha256;
        if (declared !== undefined && declared !== sha256) {
          throw new PublisherError(
            'E_STORE',
            `refusing to write ${path}: its declared sha256 ${declared} does not match the bytes written (${sha256})`,
          );
        }
      });
    } catch (error) {
      if (error instanceof PublisherError) throw error;
      throw storeError('write', path, error);
    }
    const metadata = { ...options.metadata, sha256 };
    const sidecar: Sidecar = {
      sha256,
      bytes: stats.size,
      contentType: options.contentType,
      ...(options.cacheControl !== undefined ? { cacheControl: options.cacheControl } : {}),
      metadata,
      ino: stats.ino,
      mtimeMs: stats.mtimeMs,
    };
    const sidecarPath = this.sidecarPath(key);
    try {
      await mkdir(dirname(sidecarPath), { recursive: true });
      await writeAtomically(sidecarPath, async (handle) => {
        await handle.write(`${JSON.stringify(sidecar, null, 2)}\n`);
      });
    } catch (error) {
      throw storeError('write the sidecar of', path, error);
    }
    return { key, bytes: stats.size, sha256, metadata };
  }

  private async readSidecar(key: string): Promise<Sidecar | undefined> {
    const path = this.sidecarPath(key);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw storeError('read', path, error);
    }
    // A sidecar that does not parse only costs a re-hash by the caller: `head` then reports no sha256.
    try {
      const parsed = JSON.parse(text) as Partial<Sidecar>;
      return typeof parsed.sha256 === 'string' && typeof parsed.ino === 'number' ? (parsed as Sidecar) : undefined;
    } catch {
      return undefined;
    }
  }

  private async walk(folder: string, prefix: string, found: ObjectInfo[]): Promise<void> {
    const path = folder === '' ? this.root : join(this.root, folder);
    let entries: Dirent[];
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch (error) {
      if (isNotFound(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw storeError('list', path, error);
    }
    for (const entry of entries) {
      if (entry.name.startsWith(TEMP_PREFIX) || (folder === '' && entry.name === META_DIR)) continue;
      const key = folder === '' ? entry.name : `${folder}/${entry.name}`;
      if (entry.isDirectory()) {
        if (key.startsWith(prefix) || prefix.startsWith(`${key}/`)) await this.walk(key, prefix, found);
      } else if (entry.isFile() && key.startsWith(prefix)) {
        found.push({ key, bytes: (await stat(join(this.root, key))).size });
      }
    }
  }

  private pathOf(key: string): string {
    assertValidKey(key);
    if (
      key === META_DIR ||
      key.startsWith(`${META_DIR}/`) ||
      key.split('/').some((part) => part.startsWith(TEMP_PREFIX))
    ) {
      throw new PublisherError(
        'E_CONFIG',
        `object key ${JSON.stringify(key)} is reserved by the local store (${META_DIR}/ and ${TEMP_PREFIX}* names)`,
      );
    }
    return join(this.root, key);
  }

  private sidecarPath(key: string): string {
    return join(this.root, META_DIR, `${key}.json`);
  }
}

/** Writes through a temp file beside `path`, fsyncs it, renames it over `path`, fsyncs the folder. */
async function writeAtomically(path: string, fill: (handle: FileHandle) => Promise<void>): Promise<Stats> {
  const temp = join(dirname(path), `${TEMP_PREFIX}${randomBytes(6).toString('hex')}-${basename(path)}`);
  const handle = await open(temp, 'wx');
  let stats: Stats;
  try {
    try {
      await fill(handle);
      await handle.sync();
      stats = await handle.stat();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncFolder(dirname(path));
  return stats;
}

/** The rename is durable only once the folder entry is on disk. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some platforms (Windows) and filesystems cannot fsync a folder; the rename itself is still atomic.
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle.close();
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function storeError(operation: string, path: string, error: unknown): PublisherError {
  return new PublisherError('E_STORE', `local store: cannot ${operation} ${path}: ${(error as Error).message}`, {
    cause: error,
  });
}
