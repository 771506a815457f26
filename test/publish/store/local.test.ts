import { readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isPublisherError } from '../../../src/core/errors.js';
import { openStore } from '../../../src/publish/store/index.js';
import { LocalStore } from '../../../src/publish/store/local.js';
import { describe, expect, it, test } from '../../helpers/fixtures.js';
import { sha256 } from '../../helpers/hash.js';

const TSV = { contentType: 'text/tab-separated-values; charset=utf-8', cacheControl: 'public, max-age=86400' };

let root: string;
let store: LocalStore;

test.beforeEach(({ tmp }) => {
  root = tmp;
  store = new LocalStore(join(root, 'target'));
});

describe('LocalStore', () => {
  it('round-trips bytes, and head returns the sha256, content type and metadata kept in the sidecar', async () => {
    const info = await store.putBytes('a/b.tsv', 'x\ty\n1\t2\n', { ...TSV, metadata: { license: 'CC-BY-4.0' } });
    expect(info).toEqual({
      key: 'a/b.tsv',
      bytes: 8,
      sha256: sha256('x\ty\n1\t2\n'),
      metadata: { license: 'CC-BY-4.0', sha256: sha256('x\ty\n1\t2\n') },
    });
    expect((await store.getBytes('a/b.tsv'))?.toString()).toBe('x\ty\n1\t2\n');
    expect(await store.head('a/b.tsv')).toEqual({
      ...info,
      contentType: TSV.contentType,
      cacheControl: TSV.cacheControl,
    });
    expect(await store.head('missing.tsv')).toBeUndefined();
    expect(await store.getBytes('missing.tsv')).toBeUndefined();
  });

  it('putFile streams a local file and download copies it back', async () => {
    const source = join(root, 'source.bin');
    const body = Buffer.alloc(3 * 1024 * 1024, 'q');
    await writeFile(source, body);
    const info = await store.putFile('big.bin', source, { contentType: 'application/octet-stream' });
    expect(info.sha256).toBe(sha256(body));
    await store.download('big.bin', join(root, 'copy', 'big.bin'));
    expect((await readFile(join(root, 'copy', 'big.bin'))).equals(body)).toBe(true);
    await expect(store.download('nope.bin', join(root, 'x'))).rejects.toMatchObject({ code: 'E_STORE' });
  });

  it('lists keys sorted, by prefix, without sidecars or temp files', async () => {
    for (const key of ['b.tsv', 'a.tsv', 'day=2026-01-02/x.ndjson', 'day=2026-01-01/y.ndjson', 'dayz.txt']) {
      await store.putBytes(key, key, { contentType: 'text/plain' });
    }
    await writeFile(join(store.root, '.tmp-abc-a.tsv'), 'partial');
    expect((await store.list('')).map((o) => o.key)).toEqual([
      'a.tsv',
      'b.tsv',
      'day=2026-01-01/y.ndjson',
      'day=2026-01-02/x.ndjson',
      'dayz.txt',
    ]);
    expect((await store.list('day=2026-01-01/')).map((o) => o.key)).toEqual(['day=2026-01-01/y.ndjson']);
    expect((await store.list('day')).map((o) => o.key)).toHaveLength(3);
    expect(await store.list('nothing/')).toEqual([]);
    expect(await new LocalStore(join(root, 'never-created')).list('')).toEqual([]);
  });

  it('never shows a reader a partial file while a key is overwritten', async () => {
    const small = Buffer.alloc(256 * 1024, 'a');
    const large = Buffer.alloc(4 * 1024 * 1024, 'b');
    await store.putBytes('data.tsv', small, TSV);
    let writing = true;
    const seen = new Set<string>();
    const reader = (async () => {
      while (writing) {
        const body = await readFile(join(store.root, 'data.tsv'));
        seen.add(body.equals(small) ? 'old' : body.equals(large) ? 'new' : `partial ${body.length}`);
      }
    })();
    for (let round = 0; round < 10; round++) await store.putBytes('data.tsv', round % 2 ? small : large, TSV);
    writing = false;
    await reader;
    expect([...seen].filter((state) => state.startsWith('partial'))).toEqual([]);
    expect(await readdir(store.root)).not.toContain(expect.stringMatching(/^\.tmp-/));
  });

  it('reports no sha256 when the file changed behind the sidecar (a crash between the two renames)', async () => {
    await store.putBytes('x.tsv', 'one', TSV);
    await writeFile(join(store.root, 'x.tsv'), 'two!');
    const info = await store.head('x.tsv');
    expect(info).toEqual({ key: 'x.tsv', bytes: 4 });
  });

  it('refuses a body whose declared sha256 is wrong and keeps the old object', async () => {
    await store.putBytes('x.tsv', 'old', TSV);
    const error = await store
      .putBytes('x.tsv', 'new', { ...TSV, metadata: { sha256: sha256('other') } })
      .catch((caught: unknown) => caught);
    expect(isPublisherError(error) && error.code).toBe('E_STORE');
    expect((await store.getBytes('x.tsv'))?.toString()).toBe('old');
    expect((await store.head('x.tsv'))?.sha256).toBe(sha256('old'));
    expect((await readdir(store.root)).filter((name) => name.startsWith('.tmp-'))).toEqual([]);
  });

  it('clears temp files left by a killed run, only those older than the given time', async () => {
    await store.putBytes('keep.tsv', 'k', TSV);
    const old = join(store.root, '.tmp-dead-keep.tsv');
    const fresh = join(store.root, '.tmp-live-keep.tsv');
    await writeFile(old, 'partial');
    await writeFile(fresh, 'partial');
    await utimes(old, new Date('2020-01-01'), new Date('2020-01-01'));
    expect(await store.abortIncompleteWrites(new Date(Date.now() - 60_000))).toEqual([old]);
    expect((await readdir(store.root)).sort()).toEqual(['.meta', '.tmp-live-keep.tsv', 'keep.tsv']);
  });

  it('rejects keys that could escape the root or hit the sidecars', async () => {
    for (const key of ['../x', '/abs', 'a//b', 'a/./b', '.meta/x.json', 'a\\b', '', 'dir/.tmp-1-x']) {
      await expect(store.putBytes(key, 'x', TSV), key).rejects.toMatchObject({ code: 'E_CONFIG' });
    }
  });

  it('delete removes the object and its sidecar', async () => {
    await store.putBytes('gone.tsv', 'x', TSV);
    await store.delete('gone.tsv');
    await store.delete('gone.tsv');
    expect(await store.head('gone.tsv')).toBeUndefined();
    expect(await readdir(join(store.root, '.meta'))).toEqual([]);
  });
});

describe('openStore for folders', () => {
  it('opens a folder path or file: URL, and refuses other schemes and empty locations', () => {
    expect(openStore(join(root, 'out')).describe('k.tsv')).toBe(join(root, 'out', 'k.tsv'));
    expect(openStore(`file://${join(root, 'out')}`).describe('')).toBe(join(root, 'out'));
    expect(() => openStore('gs://bucket/x')).toThrow(/unsupported scheme "gs"/);
    expect(() => openStore('  ')).toThrow(/folder path or s3:\/\/bucket\/prefix/);
  });
});
