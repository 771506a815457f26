// The fixtures' teardown: a test's folder and DuckDB are gone once it ends, passed or failed, and the
// file-scoped ones are shared by the tests of a file. Tests run in order here (none is concurrent).
import { access, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Duck } from '../../src/engine/duck.js';
import { describe, expect, it, test } from './fixtures.js';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

let passedTmp: string;
let failedTmp: string;
let passedDuck: Duck;
let firstServer: string;
let fileFolder: string;

describe('test-scoped fixtures', () => {
  it('give a fresh, empty folder in the OS temp dir and an open in-memory DuckDB', async ({ tmp, duck }) => {
    expect(dirname(tmp)).toBe(tmpdir());
    await writeFile(join(tmp, 'left-behind.txt'), 'x');
    expect(await duck.all('SELECT 42 AS answer')).toEqual([{ answer: 42 }]);
    passedTmp = tmp;
    passedDuck = duck;
  });

  it.fails('clean up after a failing test too (this one fails on purpose)', async ({ tmp }) => {
    failedTmp = tmp;
    await writeFile(join(tmp, 'left-behind.txt'), 'x');
    throw new Error('fails on purpose');
  });

  it('are removed and closed once their test has ended', async ({ tmp }) => {
    expect(tmp).not.toBe(passedTmp);
    expect(await exists(passedTmp)).toBe(false);
    expect(await exists(failedTmp)).toBe(false);
    await expect(passedDuck.all('SELECT 1')).rejects.toThrow();
  });
});

describe('file-scoped fixtures', () => {
  test.beforeAll(({ fileTmp }) => {
    fileFolder = fileTmp;
  });

  it('share one S3 server and one folder across the tests of a file', async ({ s3, fileTmp }) => {
    firstServer = s3.server.endpoint;
    expect(fileTmp).toBe(fileFolder);
    await s3.store('fixture/').putBytes('a.txt', 'a', { contentType: 'text/plain' });
  });

  it('(the second test sees what the first one left)', async ({ s3, fileTmp }) => {
    expect(s3.server.endpoint).toBe(firstServer);
    expect(fileTmp).toBe(fileFolder);
    expect((await s3.store('fixture/').getBytes('a.txt'))?.toString()).toBe('a');
  });
});
