// The store a dry run publishes to: writes go to a local preview folder, reads see the preview first and
// then the real target. Publishing a release to it runs the same catalog code as a real run, so the
// preview holds exactly what the target would get (data files, privacy reports, inputs, the catalog
// files, the latest copies, the publication log) merged with what the target already lists, while the
// target itself is only read. The target's lock is not visible through it: a dry run never waits for,
// or is refused by, a run that is publishing.
import { CATALOG_KEYS } from './catalog/index.js';
import { LocalStore, type ObjectInfo, type PutOptions, type Store } from './store/index.js';

export class PreviewStore implements Store {
  private readonly preview: LocalStore;

  constructor(
    readonly folder: string,
    private readonly target: Store,
  ) {
    this.preview = new LocalStore(folder);
  }

  describe(key: string): string {
    return this.preview.describe(key);
  }

  putFile(key: string, localPath: string, options: PutOptions): Promise<ObjectInfo> {
    return this.preview.putFile(key, localPath, options);
  }

  putBytes(key: string, body: string | Uint8Array, options: PutOptions): Promise<ObjectInfo> {
    return this.preview.putBytes(key, body, options);
  }

  async getBytes(key: string): Promise<Buffer | undefined> {
    return (await this.preview.getBytes(key)) ?? (this.fromTarget(key) ? this.target.getBytes(key) : undefined);
  }

  async download(key: string, localPath: string): Promise<void> {
    if ((await this.preview.head(key)) || !this.fromTarget(key)) return this.preview.download(key, localPath);
    return this.target.download(key, localPath);
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    return (await this.preview.head(key)) ?? (this.fromTarget(key) ? this.target.head(key) : undefined);
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const merged = new Map<string, ObjectInfo>();
    for (const object of await this.target.list(prefix))
      if (this.fromTarget(object.key)) merged.set(object.key, object);
    for (const object of await this.preview.list(prefix)) merged.set(object.key, object);
    return [...merged.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Only the preview's copy: the target is never written. */
  delete(key: string): Promise<void> {
    return this.preview.delete(key);
  }

  private fromTarget(key: string): boolean {
    return key !== CATALOG_KEYS.lock;
  }
}
