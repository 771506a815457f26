// The audit's own reading of archive files into `events`: the same table the job's dataset queries
// read where the job reads the contract right, and the contract where it does not.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { locateInputs } from '../../src/audit/inputs.js';
import { readArchiveEvents } from '../../src/audit/read-archive.js';
import { createMemoryLogger } from '../../src/core/log.js';
import { type Duck, openDuck } from '../../src/engine/duck.js';
import { event, machines, writeDayFile } from '../helpers/archive.js';
import { folderIn, ingestedDuck, Q3 } from '../helpers/build.js';
import { describe, expect, it } from '../helpers/fixtures.js';
import { writeParquet } from './parquet.js';

const DAY = '2026-07-01';

/** The audit's DuckDB after reading the given files of `archive` (paths under its root). */
async function auditRead(tmp: string, archive: string, paths: readonly string[], optOut: readonly string[] = []) {
  const files = await Promise.all(paths.map(async (path) => ({ path, bytes: (await stat(join(archive, path))).size })));
  const logger = createMemoryLogger();
  const located = await locateInputs(archive, files, Q3, await folderIn(tmp), logger);
  expect(located.problems).toEqual([]);
  const duck = await openDuck();
  const read = await readArchiveEvents(duck, located.inputs, new Set(optOut), logger);
  return { duck, read };
}

async function rows(duck: Duck, sql = 'SELECT * FROM events'): Promise<string[]> {
  const result = await duck.all(`SELECT * REPLACE (ts::VARCHAR AS ts, metrics::VARCHAR AS metrics) FROM (${sql})`);
  return result.map((row) => JSON.stringify(row)).sort();
}

describe("the audit's reading of the archive", () => {
  it('gives the events table of the job, column for column, for events the contract accepts or rejects alike', async ({
    tmp,
  }) => {
    const archive = await folderIn(tmp, 'tp-audit-read-');
    const lines = [
      ...machines(3, 'a'),
      event({ timestamp: '2026-07-01T23:00:00-00:30', machine_id: 'east' }),
      event({ timestamp: '2026-07-02T01:00:00+02:00', machine_id: 'offset' }),
      event({ timestamp: '2026-07-01T12:00:00.123456Z', machine_id: 'micros', exit_code: 3 }),
      event({ event: undefined, environment: undefined, machine_id: 'defaults' }),
      event({
        event: 'snapshot',
        machine_id: 'install-1',
        product: 'eventstoredb',
        product_version: '24.2.0',
        metrics: { core_count: 4, total_memory: 8 * 2 ** 30, is_kubernetes: false, projects: 12 },
      }),
      event({ timestamp: '2026-07-02T00:00:00Z' }), // outside its folder's day
      event({ timestamp: '2026-07-01T12:00:00' }), // no zone
      event({ timestamp: 'yesterday' }),
      event({ timestamp: undefined }),
      event({ machine_id: '   ' }),
      event({ machine_id: 42 }),
      event({ exit_code: 'zero' }),
      event({ is_container: 'yes' }),
      event({ metrics: 'many' }),
      event({ event: 'crash' }),
      'not json',
      '[1, 2]',
      '',
    ];
    await writeDayFile(archive, DAY, 'events', 'ndjson', lines);
    await writeDayFile(
      archive,
      '2026-07-02',
      'more',
      'ndjson.gz',
      machines(2, 'gz', { timestamp: '2026-07-02T10:00:00Z' }),
    );
    const { duck, read } = await auditRead(tmp, archive, [
      `date=${DAY}/events.ndjson`,
      'date=2026-07-02/more.ndjson.gz',
    ]);
    const job = await ingestedDuck(archive, [DAY, '2026-07-02']);
    try {
      expect(await duck.all('DESCRIBE events')).toEqual(await job.all('DESCRIBE events'));
      expect(await rows(duck)).toEqual(await rows(job));
      expect(read.accepted).toBe(10);
      const jobRejects = await job.all<{ reason: string; n: string }>(
        'SELECT reason, sum(events)::BIGINT AS n FROM rejects GROUP BY reason',
      );
      expect(read.rejected).toEqual(Object.fromEntries(jobRejects.map((row) => [row.reason, Number(row.n)])));
      expect(Object.keys(read.rejected).sort()).toEqual([
        'invalid_timestamp',
        'missing_machine_id',
        'missing_timestamp',
        'not_json',
        'timestamp_outside_day',
        'unknown_event',
        'wrong_type',
      ]);
    } finally {
      duck.close();
      job.close();
    }
  });

  it('takes no date without a time, and no time without a zone, as an instant', async ({ tmp }) => {
    const archive = await folderIn(tmp, 'tp-audit-read-');
    await writeDayFile(archive, DAY, 'events', 'ndjson', [
      event({ timestamp: '2026-07-01' }),
      event({ timestamp: '2026-07-01T12:00:00' }),
      event({ timestamp: '2026-07-01 12:00:00+02' }),
    ]);
    const { duck, read } = await auditRead(tmp, archive, [`date=${DAY}/events.ndjson`]);
    duck.close();
    expect(read).toMatchObject({ accepted: 1, rejected: { invalid_timestamp: 2 } });
  });

  it('reads files named like glob patterns once each, by their own names', async ({ tmp }) => {
    const archive = await folderIn(tmp, 'tp-audit-read-');
    await writeDayFile(archive, DAY, 'commands', 'ndjson', machines(3, 'a'));
    await writeDayFile(archive, DAY, '[c]ommands', 'ndjson', machines(4, 'b'));
    await writeDayFile(archive, DAY, '*', 'ndjson', machines(5, 'c'));
    const { duck, read } = await auditRead(
      tmp,
      archive,
      ['commands', '[c]ommands', '*'].map((name) => `date=${DAY}/${name}.ndjson`),
    );
    const [count] = await duck.all<{ n: string }>('SELECT count(DISTINCT machine_id)::BIGINT AS n FROM events');
    duck.close();
    expect(read.accepted).toBe(12);
    expect(Number(count!.n)).toBe(12);
  });

  it('leaves out the events of opted-out machines', async ({ tmp }) => {
    const archive = await folderIn(tmp, 'tp-audit-read-');
    await writeDayFile(archive, DAY, 'events', 'ndjson', machines(4, 'm'));
    const { duck, read } = await auditRead(tmp, archive, [`date=${DAY}/events.ndjson`], ['m1', 'm3']);
    duck.close();
    expect(read).toMatchObject({ accepted: 2, optedOut: 2 });
  });

  it('reads Parquet with hyparquet: zoned timestamps exactly, zoneless ones and dates as no instant', async ({
    tmp,
  }) => {
    const archive = await folderIn(tmp, 'tp-audit-read-');
    const folder = join(archive, `date=${DAY}`);
    const events = [event({ machine_id: 'p1', timestamp: '2026-07-01T22:15:30.654321-01:00' })];
    await writeParquet(join(folder, 'zoned.parquet'), [...events, ...machines(2, 'z')]);
    await writeParquet(join(folder, 'zoneless.parquet'), machines(3, 'n'), { timestamp: 'TIMESTAMP' });
    await writeParquet(join(folder, 'dates.parquet'), machines(2, 'd', { timestamp: DAY }), { timestamp: 'DATE' });
    await writeParquet(join(folder, 'text.parquet'), [event({ machine_id: 't1' }), event({ timestamp: DAY })], {
      timestamp: 'VARCHAR',
    });
    const { duck, read } = await auditRead(
      tmp,
      archive,
      ['zoned', 'zoneless', 'dates', 'text'].map((name) => `date=${DAY}/${name}.parquet`),
    );
    const [p1] = await duck.all<{ ts: string }>(`SELECT ts::VARCHAR AS ts FROM events WHERE machine_id = hash('p1')`);
    duck.close();
    expect(p1!.ts).toBe('2026-07-01 23:15:30.654321+00');
    expect(read).toMatchObject({ accepted: 4, rejected: { invalid_timestamp: 6 } });
  });

  it('judges each Parquet file by its own column types: two files of a day are never merged by a union', async ({
    tmp,
  }) => {
    const archive = await folderIn(tmp, 'tp-audit-read-');
    const folder = join(archive, `date=${DAY}`);
    await writeParquet(join(folder, 'a.parquet'), machines(3, 'a', { exit_code: 1 }));
    await writeParquet(join(folder, 'b.parquet'), machines(2, 'b', { exit_code: 1 }), { exit_code: 'VARCHAR' });
    await writeParquet(join(folder, 'c.parquet'), machines(2, 'c', { os_version: 22 }), { os_version: 'INTEGER' });
    const { duck, read } = await auditRead(
      tmp,
      archive,
      ['a', 'b', 'c'].map((name) => `date=${DAY}/${name}.parquet`),
    );
    duck.close();
    expect(read).toMatchObject({ accepted: 3, rejected: { wrong_type: 4 } });
  });

  it('reads Parquet metrics as a struct or as JSON text, leaving out the keys a row does not have', async ({ tmp }) => {
    const archive = await folderIn(tmp, 'tp-audit-read-');
    const folder = join(archive, `date=${DAY}`);
    const snapshot = (machine: string, metrics: unknown) =>
      event({ event: 'snapshot', machine_id: machine, product: 'octopus-server', metrics });
    await writeParquet(join(folder, 'struct.parquet'), [snapshot('s1', { core_count: 8, users: null })], {
      metrics: 'STRUCT(core_count BIGINT, users BIGINT)',
    });
    await writeParquet(join(folder, 'text.parquet'), [snapshot('t1', { is_kubernetes: true }), snapshot('t2', [1])], {
      metrics: 'VARCHAR',
    });
    const { duck, read } = await auditRead(
      tmp,
      archive,
      ['struct', 'text'].map((name) => `date=${DAY}/${name}.parquet`),
    );
    const metrics = await duck.all<{ m: string }>('SELECT metrics::VARCHAR AS m FROM events ORDER BY 1');
    duck.close();
    expect(metrics.map((row) => row.m)).toEqual(['{"core_count":8}', '{"is_kubernetes":true}']);
    expect(read.rejected).toEqual({ wrong_type: 1 });
  });

  it('names every file it cannot read to its end: truncated Parquet, a gzip that is not one, a truncated gzip', async ({
    tmp,
  }) => {
    const archive = await folderIn(tmp, 'tp-audit-read-');
    const folder = join(archive, `date=${DAY}`);
    await writeParquet(join(folder, 'cut.parquet'), machines(50, 'p'));
    const parquet = await readFile(join(folder, 'cut.parquet'));
    await writeFile(join(folder, 'cut.parquet'), parquet.subarray(0, parquet.length - 100));
    await writeFile(join(folder, 'plain.ndjson.gz'), `${JSON.stringify(event())}\n`);
    await writeDayFile(archive, DAY, 'cut', 'ndjson.gz', machines(200, 'g'));
    const gzip = await readFile(join(folder, 'cut.ndjson.gz'));
    await writeFile(join(folder, 'cut.ndjson.gz'), gzip.subarray(0, gzip.length - 8));
    await writeDayFile(archive, DAY, 'fine', 'ndjson', machines(2, 'f'));
    const names = ['cut.parquet', 'plain.ndjson.gz', 'cut.ndjson.gz', 'fine.ndjson'];
    const { duck, read } = await auditRead(
      tmp,
      archive,
      names.map((name) => `date=${DAY}/${name}`),
    );
    duck.close();
    expect(read.problems.map((problem) => [problem.rule, problem.path])).toEqual(
      names.slice(0, 3).map((name) => ['input_unreadable', `date=${DAY}/${name}`]),
    );
    for (const problem of read.problems) expect(problem.detail).toContain(join(folder, problem.path.split('/')[1]!));
  });
});
