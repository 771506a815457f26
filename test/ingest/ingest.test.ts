import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance, quotedString } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { type ArchiveEvent, event, machines, writeDayFile } from '../helpers/archive.js';
import { build } from '../helpers/build.js';
import { cli } from '../helpers/cli.js';

// The ingest stage reads every file to its end or names the one it cannot read, and validates every
// file by the same rules whatever format it is in and whichever files share its batch.
const DAY = '2026-07-01';
const text = (events: ArchiveEvent[]) => `${events.map((e) => JSON.stringify(e)).join('\n')}\n`;
const folders: string[] = [];
const archive = async () => {
  const made = await mkdtemp(join(tmpdir(), 'tp-ingest-'));
  folders.push(made);
  await mkdir(join(made, `date=${DAY}`));
  return made;
};
const dayFile = (root: string, name: string) => join(root, `date=${DAY}`, name);
afterEach(async () => {
  for (const made of folders.splice(0)) await rm(made, { recursive: true, force: true });
});

/** What a target holds besides the store's own hidden files. */
const published = async (target: string) => (await readdir(target)).filter((name) => !name.startsWith('.'));

/** Writes `select` (DuckDB SQL) as a Parquet file: column types exactly as the test says. */
async function parquet(path: string, select: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(`SET TimeZone = 'UTC'`);
    await connection.run(`COPY (${select}) TO ${quotedString(path)} (FORMAT parquet)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('a file that cannot be read to its end fails the run, naming it', () => {
  it('a truncated .ndjson.gz (DuckDB alone stops silently at the cut)', async () => {
    const root = await archive();
    await writeFile(dayFile(root, 'good.ndjson.gz'), gzipSync(text(machines(20, 'g-'))));
    const whole = gzipSync(text(machines(200, 't-', { os_version: `${'x'.repeat(40)}${Math.random()}` })));
    await writeFile(dayFile(root, 'cut.ndjson.gz'), whole.subarray(0, Math.floor(whole.length / 2)));
    await expect(build(root, { k: '2' })).rejects.toMatchObject({
      code: 'E_ARCHIVE',
      message: expect.stringMatching(/archive file \S*cut\.ndjson\.gz cannot be read to its end: .*truncated/),
    });
  });

  it('a .ndjson.gz whose data is corrupt (DuckDB does not check the gzip CRC)', async () => {
    const root = await archive();
    const bytes = Buffer.from(gzipSync(text(machines(200, 'c-'))));
    // The stored CRC-32 (the trailer's first 4 bytes) no longer matches the data: DuckDB reads every line
    // as it is. (A flipped byte inside the deflate data was a race: DuckDB sometimes failed first, on
    // the bad UTF-8 it inflated, and its own message won.)
    bytes[bytes.length - 8]! ^= 0xff;
    await writeFile(dayFile(root, 'corrupt.ndjson.gz'), bytes);
    await expect(build(root, { k: '2' })).rejects.toMatchObject({
      code: 'E_ARCHIVE',
      message: expect.stringMatching(/corrupt\.ndjson\.gz cannot be read to its end: .*corrupt/),
    });
  });

  it('gzip garbage, invalid UTF-8 and an over-long line each name their one file, never its content', async () => {
    const cases: Array<[name: string, bytes: Buffer, cause: RegExp]> = [
      [
        'garbage.ndjson.gz',
        Buffer.concat([gzipSync(text(machines(3, 'z-'))), Buffer.from('garbage after the end')]),
        /not a gzip stream/,
      ],
      [
        'latin1.ndjson',
        Buffer.concat([
          Buffer.from(`${JSON.stringify(event())}\n{"machine_id":"secret-id","command":"`),
          Buffer.from([0xe9, 0x22, 0x7d, 0x0a]),
        ]),
        /line 2 is not valid UTF-8/,
      ],
      [
        'long.ndjson',
        Buffer.from(`${JSON.stringify(event({ machine_id: 'secret-id', command: 'y'.repeat(17 * 2 ** 20) }))}\n`),
        /line 1 is longer than the 16777216 bytes/,
      ],
    ];
    for (const [name, bytes, cause] of cases) {
      const root = await archive();
      await writeFile(dayFile(root, 'a-good.ndjson'), text(machines(3, 'a-')));
      await writeFile(dayFile(root, 'z-good.ndjson.gz'), gzipSync(text(machines(3, 'b-'))));
      await writeFile(dayFile(root, name), bytes);
      const error = await build(root, { k: '2' }).then(
        () => undefined,
        (failure: Error & { code?: string }) => failure,
      );
      expect(error?.code, name).toBe('E_ARCHIVE');
      expect(error?.message, name).toMatch(
        new RegExp(`^archive file \\S*${name.replace(/\./g, '\\.')} cannot be read: `),
      );
      expect(error?.message, name).toMatch(cause);
      expect(error?.message, name).not.toMatch(/good|secret-id|yyyy|CSV Error/);
    }
  });
});

describe('a Parquet file that cannot be read', () => {
  it('is named alone, not with every file of its batch', async () => {
    const root = await archive();
    const good = (name: string) =>
      parquet(
        dayFile(root, name),
        `SELECT '2026-07-01T12:00:00Z' AS timestamp, 'm' || range AS machine_id FROM range(3)`,
      );
    await good('a-good.parquet');
    await good('c-good.parquet');
    await writeFile(dayFile(root, 'b-cut.parquet'), Buffer.from('PAR1 this is no parquet file'));
    await expect(build(root, { k: '2' })).rejects.toMatchObject({
      code: 'E_ARCHIVE',
      message: expect.stringMatching(/^archive file \S*b-cut\.parquet cannot be read: (?!.*good)/),
    });
  });
});

describe('Parquet: each file by its own schema', () => {
  it('a BIGINT machine_id is wrong_type whether or not a VARCHAR file shares its batch', async () => {
    const alone = await archive();
    await parquet(
      dayFile(alone, 'numbers.parquet'),
      `SELECT '2026-07-01T12:00:00Z' AS timestamp, range::BIGINT AS machine_id FROM range(3)`,
    );
    const together = await archive();
    await parquet(
      dayFile(together, 'numbers.parquet'),
      `SELECT '2026-07-01T12:00:00Z' AS timestamp, range::BIGINT AS machine_id FROM range(3)`,
    );
    await parquet(
      dayFile(together, 'text.parquet'),
      `SELECT '2026-07-01T12:00:00Z' AS timestamp, 'm' || range AS machine_id, 'build' AS command FROM range(5)`,
    );
    await writeFile(dayFile(together, 'more.ndjson'), text(machines(2, 'n-')));
    const one = await build(alone, { k: '2', maxBadShare: '1' });
    expect(one.events.rejected.wrong_type).toBe(3);
    expect(one.events.accepted).toBe(0);
    const both = await build(together, { k: '2', maxBadShare: '1' });
    expect(both.events.rejected.wrong_type).toBe(3);
    expect(both.events.accepted).toBe(7);
  });

  it('reads a file holding a column named filename', async () => {
    const root = await archive();
    await parquet(
      dayFile(root, 'named.parquet'),
      `SELECT '2026-07-01T12:00:00Z' AS timestamp, 'm' || range AS machine_id, 'x.csv' AS filename FROM range(4)`,
    );
    expect((await build(root, { k: '2' })).events.accepted).toBe(4);
  });
});

describe('one timestamp rule for every format', () => {
  const accepted = [
    '2026-07-01T12:00:00Z',
    '2026-07-01 12:00:00Z',
    '2026-07-01T12:00:00.123456789Z',
    '2026-07-01T14:00:00+02:00',
    '2026-07-01T14:00:00+0200',
    '2026-07-01T14:00:00+02',
    '2026-07-01T08:00:00-04:00',
  ];
  const invalid = [
    '2026-07-01',
    '2026-07-01T12:00:00',
    '2026-07-01T12:00Z',
    '2026-07-01T12:00:00 Europe/Berlin',
    '2026-07-01T24:00:00Z',
    '2026-07-01T12:00:00+99:00',
    '2026-07-01T12:00:00.Z',
    ' 2026-07-01T12:00:00Z',
    '2026-02-30T12:00:00Z',
    '2026-07-01T12:00:00z',
  ];
  const events = [...accepted, ...invalid].map((timestamp, index) => event({ timestamp, machine_id: `t${index}` }));

  it.each(['ndjson', 'parquet'] as const)(
    'text timestamps in %s: an instant with an explicit zone, nothing else',
    async (format) => {
      const root = await archive();
      await writeDayFile(root, DAY, 'events', format, events);
      const built = await build(root, { k: '2', maxBadShare: '1' });
      expect(built.events.accepted).toBe(accepted.length);
      expect(built.events.rejected.invalid_timestamp).toBe(invalid.length);
    },
  );

  it('Parquet TIMESTAMP WITH TIME ZONE is accepted; a zoneless TIMESTAMP or a DATE is invalid_timestamp', async () => {
    const root = await archive();
    const select = (timestamp: string) => `SELECT ${timestamp} AS timestamp, 'm' || range AS machine_id FROM range(3)`;
    await parquet(dayFile(root, 'zoned.parquet'), select(`TIMESTAMPTZ '2026-07-01 12:00:00+00'`));
    await parquet(dayFile(root, 'zoneless.parquet'), select(`TIMESTAMP '2026-07-01 12:00:00'`));
    await parquet(dayFile(root, 'date.parquet'), select(`DATE '2026-07-01'`));
    const built = await build(root, { k: '2', maxBadShare: '1' });
    expect(built.events.accepted).toBe(3);
    expect(built.events.rejected.invalid_timestamp).toBe(6);
  });
});

describe('DuckDB out of resources is a setting to change (exit 3), not an unreadable archive', () => {
  const big = async () => {
    const root = await archive();
    await parquet(
      dayFile(root, 'big.parquet'),
      `SELECT '2026-07-01T12:00:00Z' AS timestamp, 'machine-' || range AS machine_id, md5(range::VARCHAR) AS os_version FROM range(400000)`,
    );
    return root;
  };

  it('a memory limit too small names --memory-limit', async () => {
    const root = await big();
    const target = await mkdtemp(join(tmpdir(), 'tp-target-'));
    folders.push(target);
    const run = await cli([
      'publish',
      '--archive',
      root,
      '--target',
      target,
      '--quarter',
      '2026-Q3',
      '--memory-limit',
      '8MB',
      '--threads',
      '2',
    ]);
    expect(run.code, run.log.join('\n')).toBe(3);
    expect(run.log.join('\n')).toMatch(/ran out of memory while reading the archive with --memory-limit/);
    expect(await published(target)).toEqual([]);
  });

  // A full disk needs a small file system: a tmpfs, which only root may mount. Mounted by the test
  // itself and unmounted in its finally, so a filtered or failed run leaves no mount behind.
  const mountTmpfs = (mountPoint: string): boolean => {
    try {
      execFileSync('mkdir', ['-p', mountPoint]);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint], { stdio: 'ignore' });
      return true;
    } catch {
      execFileSync('rm', ['-rf', mountPoint]);
      return false;
    }
  };

  it.skipIf(process.getuid?.() !== 0)('a full --temp-dir names --temp-dir', async (context) => {
    const mountPoint = join('/tmp', `tp-full-${process.pid}`);
    if (!mountTmpfs(mountPoint)) context.skip('cannot mount a tmpfs here');
    try {
      await fullTempDir(mountPoint);
    } finally {
      execFileSync('umount', ['--lazy', mountPoint]);
      execFileSync('rm', ['-rf', mountPoint]);
    }
  });

  const fullTempDir = async (mountPoint: string) => {
    const root = await big();
    const target = await mkdtemp(join(tmpdir(), 'tp-target-'));
    folders.push(target);
    const run = await cli([
      'publish',
      '--archive',
      root,
      '--target',
      target,
      '--quarter',
      '2026-Q3',
      '--temp-dir',
      mountPoint,
      '--memory-limit',
      '64MB',
    ]);
    expect(run.code, run.log.join('\n')).toBe(3);
    expect(run.log.join('\n')).toMatch(/temp folder is full while reading the archive.*--temp-dir/);
    expect(await published(target)).toEqual([]);
  };
});
