import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, quotedString } from '@duckdb/node-api';
import { PublisherError } from '../../src/core/errors.js';
import { event, machines } from '../helpers/archive.js';
import { addToArchive, build, folderIn, writeArchive } from '../helpers/build.js';
import { describe, expect, it } from '../helpers/fixtures.js';
import { cubeOnlyQueries } from '../helpers/queries.js';

const DAY = '2026-07-01';

describe('k-anonymity of published rows', () => {
  it('publishes a row shared by exactly k machines and drops one shared by k-1', async ({ tmp }) => {
    const archive = await writeArchive(tmp, {
      [DAY]: [
        ...machines(10, 'common'),
        ...machines(5, 'exact', { command: 'publish' }),
        ...machines(4, 'short', { command: 'pack', os_family: 'Windows' }),
      ],
    });
    // The cube's own rule; the bundled family may withhold such a row against differencing.
    const { rows } = await build(archive, { k: '5', queriesDir: await cubeOnlyQueries(tmp) });
    expect(rows.find((row) => row.Command === 'publish')?.Occurrences).toBe('5');
    expect(rows.some((row) => row.Command === 'pack')).toBe(false);
    expect(rows.some((row) => row.OSFamily === 'Windows')).toBe(false);
  });

  it('never publishes a rare value, however many events its one machine sends', async ({ tmp }) => {
    const lonely = Array.from({ length: 500 }, () =>
      event({ machine_id: 'lonely', command: 'secret-tool', os_version: '99.1.2' }),
    );
    const archive = await writeArchive(tmp, { [DAY]: [...machines(12, 'common'), ...lonely] });
    const { tsv, rows } = await build(archive, { k: '10' });
    expect(tsv).not.toContain('secret-tool');
    expect(tsv).not.toContain('99.1');
    for (const row of rows) expect(Number(row.Occurrences)).toBeGreaterThanOrEqual(10);
  });

  it('generalises a rare version along its ladder before suppressing (10.12.6 -> 10.12)', async ({ tmp }) => {
    const archive = await writeArchive(tmp, {
      [DAY]: [
        ...machines(3, 'a', { os_version: '10.12.6', os_family: 'Darwin' }),
        ...machines(3, 'b', { os_version: '10.12.5', os_family: 'Darwin' }),
        ...machines(6, 'c', { os_version: '22.04' }),
      ],
    });
    const { rows, datasets } = await build(archive, { k: '6' });
    expect(rows.find((row) => row.OSFamily === 'Darwin')).toMatchObject({ OSVersion: '10.12', Occurrences: '6' });
    const os = datasets[0]!.report.generalisation.find((dimension) => dimension.column === 'OSVersion')!;
    expect(os.levels.find((level) => level.level === 1)?.values).toBe(2);
    expect(datasets[0]!.report.published.generalised).toBe(6);
  });

  it('rolls rows still under k into a remainder row with Other', async ({ tmp }) => {
    // 3 machines run `test`, 3 run `pack`: neither reaches k=5 alone, together they do.
    const archive = await writeArchive(tmp, {
      [DAY]: [
        ...machines(10, 'common'),
        ...machines(3, 't', { command: 'test' }),
        ...machines(3, 'p', { command: 'pack' }),
      ],
    });
    // Both commands are common enough over the quarter at k=3 to keep their labels, but not per day at k=5.
    const { rows, datasets } = await build(archive, { k: '5' });
    const other = rows.find((row) => row.Command === 'Other');
    expect(other?.Occurrences).toBe('6');
    expect(datasets[0]!.report.published.remainder + datasets[0]!.report.published.generalised).toBe(6);
  });

  it('caps the events one machine contributes to a row and reports what the cap removed', async ({ tmp }) => {
    const heavy = Array.from({ length: 300 }, () => event({ machine_id: 'heavy' }));
    const archive = await writeArchive(tmp, { [DAY]: [...machines(10, 'm'), ...heavy] });
    const { rows, datasets } = await build(archive, { k: '5', contributionCap: '100' });
    expect(rows[0]?.Occurrences).toBe(String(10 + 100));
    expect(datasets[0]!.stats.eventsRemovedByCap).toBe(200);
    // One machine hit the cap: the public report must not describe it.
    expect(datasets[0]!.report.eventsRemovedByCap).toBeNull();
  });

  it('refuses k < 2', async ({ tmp }) => {
    const archive = await writeArchive(tmp, { [DAY]: machines(3, 'm') });
    await expect(build(archive, { k: '1' })).rejects.toThrow(/`k`.*from 2 up/);
  });
});

describe('what never leaves the job', () => {
  it('publishes no machine id, IP prefix or working-directory hash, in any byte of any file', async ({ tmp }) => {
    const events = machines(12, 'machine-secret-', { ip_prefix: '81.2.69', cwd_hash: 'cwd-secret-hash' });
    const archive = await writeArchive(tmp, { [DAY]: events });
    const built = await build(archive, { k: '5' });
    for (const { file } of built.datasets) {
      for (const path of [file.localPath, file.privacyReport.localPath]) {
        const text = await readFile(path, 'utf8');
        expect(text).not.toMatch(/machine-secret-|81\.2\.69|cwd-secret-hash/);
      }
    }
    expect(built.rows[0]?.Geography).toBe('United Kingdom');
  });

  it('keeps no machine id in its working database, only the hashes counting needs (a revision keeps every table)', async ({
    tmp,
  }) => {
    const archive = await writeArchive(tmp, { [DAY]: machines(12, 'machine-secret-') });
    const built = await build(archive, { k: '5', revise: true });
    const instance = await DuckDBInstance.create(built.database, { access_mode: 'READ_ONLY' });
    const connection = await instance.connect();
    try {
      const columns = (
        await connection.runAndReadAll(
          `SELECT table_name, column_name FROM duckdb_columns() WHERE data_type = 'VARCHAR' AND NOT internal`,
        )
      ).getRowObjects();
      expect(columns.map((column) => column.table_name)).toContain('ds_cli_usage_rows');
      for (const { table_name: table, column_name: column } of columns) {
        const found = await connection.runAndReadAll(
          `SELECT count(*)::INTEGER FROM "${String(table)}" WHERE "${String(column)}" LIKE '%machine-secret-%'`,
        );
        expect(found.getRows()[0]![0], `${String(table)}.${String(column)}`).toBe(0);
      }
      const hashed = await connection.runAndReadAll(
        `SELECT count(DISTINCT machine_id)::INTEGER FROM ds_cli_usage_facts`,
      );
      expect(hashed.getRows()[0]![0]).toBe(12);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('excludes non-production events and opted-out machines entirely', async ({ tmp }) => {
    const archive = await writeArchive(tmp, {
      [DAY]: [
        ...machines(10, 'prod'),
        ...machines(10, 'staging', { environment: 'non-production', command: 'staging-only' }),
        ...machines(10, 'gone', { command: 'opted-out-only' }),
      ],
    });
    const optOut = join(await folderIn(tmp), 'opt-out.txt');
    await writeFile(
      optOut,
      `# machines that asked to be forgotten\n${Array.from({ length: 10 }, (_, i) => `gone${i}`).join('\n')}\n`,
    );
    const { tsv, events } = await build(archive, { k: '5', optOut });
    expect(tsv).not.toMatch(/staging-only|opted-out-only/);
    expect(events.excludedOptOut).toBe(10);
    expect(events.excludedNonProduction).toBe(10);
  });
});

/** A queries folder holding cli-usage with its query.sql rewritten; the rewrite must change it. */
async function cliUsageQuery(parent: string, rewrite: (sql: string) => string): Promise<string> {
  const queriesDir = await folderIn(parent, 'queries-');
  await cp(join(process.cwd(), 'queries', 'cli-usage'), join(queriesDir, 'cli-usage'), { recursive: true });
  const sqlPath = join(queriesDir, 'cli-usage', 'query.sql');
  const sql = await readFile(sqlPath, 'utf8');
  expect(rewrite(sql)).not.toBe(sql);
  await writeFile(sqlPath, rewrite(sql));
  return queriesDir;
}

const timestampWhenRun = (whenRun: string) => (sql: string) =>
  sql.replace(/e\.day\s+AS "Timestamp"/, `CASE WHEN e.command = 'run' THEN ${whenRun} ELSE e.day END AS "Timestamp"`);

describe('a dataset query that breaks the contract', () => {
  it('stops with a configuration error naming the dataset when some rows have no time', async ({ tmp }) => {
    const queriesDir = await cliUsageQuery(tmp, timestampWhenRun('NULL'));
    const archive = await writeArchive(tmp, { [DAY]: [...machines(5, 'a'), ...machines(5, 'b', { command: 'run' })] });
    const error = await build(archive, { k: '5', queriesDir }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PublisherError);
    expect(error).toMatchObject({
      code: 'E_CONFIG',
      message: expect.stringContaining('dataset "cli-usage": query.sql returns rows without a Timestamp'),
    });
  });
});

describe('a dataset query whose time falls outside the quarter', () => {
  it('loses none of its rows: days outside the quarter are built in a batch of their own', async ({ tmp }) => {
    const queriesDir = await cliUsageQuery(tmp, timestampWhenRun(`DATE '2026-06-30'`));
    const archive = await writeArchive(tmp, { [DAY]: [...machines(5, 'a'), ...machines(5, 'b', { command: 'run' })] });
    const { rows } = await build(archive, { k: '5', queriesDir });
    expect(rows.map((row) => [row.Timestamp, row.Command, row.Occurrences])).toEqual([
      ['2026-06-30', 'run', '5'],
      [DAY, 'build', '5'],
    ]);
  });
});

describe('a dataset query returning more columns than its dimensions', () => {
  // Facts are distinct over every column the query returns. Two facts of one machine that differ only in
  // a column no label pins (here through the exit code) must still count that machine once.
  const variants = {
    'a column no dimension uses': (sql: string) =>
      sql.replace(/e\.machine_id\s+AS machine_id,/, 'e.machine_id AS machine_id, e.exit_code AS exit_code,'),
    'a ladder input that varies within one value': (sql: string) =>
      sql.replace(
        /coalesce\(g\.continent, 'Unknown'\)\s+AS continent/,
        `CASE WHEN e.exit_code = 1 THEN 'Elsewhere' ELSE coalesce(g.continent, 'Unknown') END AS continent`,
      ),
  };
  for (const [name, rewrite] of Object.entries(variants)) {
    it(`counts a machine once across facts that differ only in ${name}`, async ({ tmp }) => {
      const queriesDir = await cliUsageQuery(tmp, rewrite);
      // 5 machines, each with exit codes 0 and 1: one row of 5 machines and 10 events; under k=6, none.
      const events = [...machines(5, 'a', { exit_code: 0 }), ...machines(5, 'a', { exit_code: 1 })];
      const { rows } = await build(await writeArchive(tmp, { [DAY]: events }), { k: '5', queriesDir });
      expect(rows.map((row) => [row.Command, row.Geography, row.Occurrences])).toEqual([
        ['build', 'United Kingdom', '10'],
      ]);
      expect((await build(await writeArchive(tmp, { [DAY]: events }), { k: '6', queriesDir })).rows).toEqual([]);
    });
  }
});

describe('bad input', () => {
  it('counts bad events by reason and completes', async ({ tmp }) => {
    const good = machines(200, 'm');
    const bad = [
      'this is not json',
      JSON.stringify(event({ timestamp: undefined })),
      JSON.stringify({ ...event(), machine_id: undefined }),
      JSON.stringify(event({ timestamp: '2026-07-02T00:00:00Z' })),
      JSON.stringify(event({ exit_code: 'zero' })),
      JSON.stringify(event({ machine_id: 12 })),
      JSON.stringify(event({ timestamp: '2026-07-01 12:00:00' })),
    ];
    const archive = await writeArchive(tmp, { [DAY]: [...good, ...bad] });
    const { events, rows } = await build(archive, { k: '5', maxBadShare: '0.05' });
    expect(events.rejected).toMatchObject({
      not_json: 1,
      missing_timestamp: 1,
      missing_machine_id: 1,
      timestamp_outside_day: 1,
      wrong_type: 2,
      invalid_timestamp: 1,
    });
    expect(events.accepted).toBe(200);
    expect(rows[0]?.Occurrences).toBe('200');
  });

  it('fails above the bad-event limit, naming the worst file', async ({ tmp }) => {
    const archive = await writeArchive(tmp, { [DAY]: [...machines(10, 'm'), 'garbage', 'more garbage'] });
    const error = await build(archive, { k: '5' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PublisherError);
    expect((error as PublisherError).code).toBe('E_BAD_INPUT');
    expect((error as PublisherError).message).toMatch(/date=2026-07-01\/events\.ndjson \(2 of 12\)/);
  });

  it('fails with E_ARCHIVE naming a corrupt file', async ({ tmp }) => {
    const archive = await writeArchive(tmp, { [DAY]: machines(10, 'm') });
    await writeFile(join(archive, `date=${DAY}`, 'broken.ndjson.gz'), 'not gzip at all');
    const error = await build(archive, { k: '5' }).catch((caught: unknown) => caught);
    expect((error as PublisherError).code).toBe('E_ARCHIVE');
    expect((error as PublisherError).message).toContain('broken.ndjson.gz');
  });
});

describe('quarter boundaries and time zones', () => {
  it('keeps the last millisecond of the quarter and the offsets that land inside it', async ({ tmp }) => {
    const archive = await writeArchive(tmp, {
      '2026-09-30': [
        ...machines(5, 'late', { timestamp: '2026-09-30T23:59:59.999Z' }),
        // 01:30 on 1 October in Paris is 23:30 on 30 September UTC.
        ...machines(5, 'paris', { timestamp: '2026-10-01T01:30:00+02:00' }),
      ],
      '2026-10-01': machines(5, 'next-quarter', { timestamp: '2026-10-01T00:00:00Z' }),
      '2026-06-30': machines(5, 'previous-quarter', { timestamp: '2026-06-30T23:59:59.999Z' }),
    });
    const { rows, events } = await build(archive, { k: '5' });
    expect(rows).toEqual([expect.objectContaining({ Timestamp: '2026-09-30', Occurrences: '10' })]);
    expect(events.eventsRead).toBe(10);
  });
});

describe('formats and determinism', () => {
  const dayEvents = [
    ...machines(10, 'a'),
    ...machines(7, 'b', { command: 'run', timestamp: '2026-07-01T05:00:00-07:00' }),
  ];

  it('gives the same bytes from NDJSON, gzip NDJSON, JSONL, Parquet and a mix', async ({ tmp }) => {
    const outputs = new Set<string>();
    for (const format of ['ndjson', 'ndjson.gz', 'jsonl', 'parquet'] as const) {
      outputs.add((await build(await writeArchive(tmp, { [DAY]: dayEvents }, format), { k: '5' })).tsv);
    }
    const mixed = await writeArchive(tmp, { [DAY]: dayEvents.slice(0, 8) }, 'parquet');
    await addToArchive(mixed, { [DAY]: dayEvents.slice(8) }, 'ndjson.gz');
    outputs.add((await build(mixed, { k: '5' })).tsv);
    expect(outputs.size).toBe(1);
    expect([...outputs][0]).toContain('\trun\t');
  });

  it('is byte-identical on a rerun', async ({ tmp }) => {
    const archive = await writeArchive(tmp, {
      [DAY]: dayEvents,
      '2026-08-15': machines(9, 'c', { timestamp: '2026-08-15T10:00:00Z' }),
    });
    const first = await build(archive, { k: '5' });
    const second = await build(archive, { k: '5' });
    expect(second.datasets[0]!.file.sha256).toBe(first.datasets[0]!.file.sha256);
    expect(second.tsv).toBe(first.tsv);
  });

  // Without `types`, DuckDB's sniffer reads OSVersion 22.04 as the number 22.04: the README says so.
  it('reads back through DuckDB read_csv with the documented header and types', async ({ tmp }) => {
    const { datasets } = await build(await writeArchive(tmp, { [DAY]: dayEvents }), { k: '5' });
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(
        `DESCRIBE SELECT * FROM read_csv(${quotedString(datasets[0]!.file.localPath)}, delim = '\t', quote = '', types = {'OSVersion': 'VARCHAR', 'SDKVersion': 'VARCHAR'})`,
      );
      const columns = reader.getRowObjectsJson().map((row) => `${row.column_name}:${row.column_type}`);
      expect(columns).toEqual([
        'Timestamp:DATE',
        'Occurrences:BIGINT',
        'Command:VARCHAR',
        'Geography:VARCHAR',
        'OSFamily:VARCHAR',
        'RuntimeID:VARCHAR',
        'OSVersion:VARCHAR',
        'SDKVersion:VARCHAR',
      ]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});

describe('TSV cleaning', () => {
  it('flattens tabs and newlines and neutralises formula prefixes', async ({ tmp }) => {
    const archive = await writeArchive(tmp, {
      [DAY]: [...machines(5, 'a', { command: 'bad\tcmd\nline' }), ...machines(5, 'b', { command: '=HYPERLINK("x")' })],
    });
    const { tsv } = await build(archive, { k: '5' });
    const lines = tsv.trimEnd().split('\n');
    for (const line of lines) expect(line.split('\t')).toHaveLength(8);
    // The formula gets its apostrophe, and its quotes become apostrophes (no reader may read a quoted field).
    expect(tsv).toContain("\t'=HYPERLINK('x')\t");
    expect(tsv).toContain('\tbad cmd line\t');
    expect(tsv.charCodeAt(0)).not.toBe(0xfeff);
    expect(tsv).not.toContain('\r');
  });

  it('trims every dimension value and publishes a missing or blank one as Unknown, whatever the query returns', async ({
    tmp,
  }) => {
    const archive = await writeArchive(tmp, {
      [DAY]: [
        ...machines(5, 'a', { command: '  build ' }),
        ...machines(5, 'b', { command: 'build' }),
        ...machines(3, 'c', { command: '' }),
        ...machines(3, 'd', { command: '\u00a0 ' }),
        ...machines(3, 'e', { command: undefined }),
      ],
    });
    const { rows } = await build(archive, { k: '9' });
    expect(rows.map((row) => [row.Command, row.Occurrences])).toEqual([
      ['Unknown', '9'],
      ['build', '10'],
    ]);
  });

  it('cleans before counting machines: two raw values that clean alike make one row of their machines together', async ({
    tmp,
  }) => {
    // 3 + 3 machines: under k=5 apart, a published row together.
    const archive = await writeArchive(tmp, {
      [DAY]: [...machines(3, 'a', { command: 'two\twords' }), ...machines(3, 'b', { command: 'two\r\nwords' })],
    });
    const { tsv } = await build(archive, { k: '5' });
    const rows = tsv
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((line) => line.split('\t'));
    expect(rows.filter((row) => row[2] === 'two words').map((row) => row[1])).toEqual(['6']);
  });

  it('counts a machine once when two of its values share a label, and caps their events together', async ({ tmp }) => {
    // 10.12.6 (a, b) and 10.12.5 (a, c) each have 2 machines, under k=3; together they are 10.12, 3 machines.
    const archive = await writeArchive(tmp, {
      [DAY]: [
        event({ machine_id: 'a', os_version: '10.12.6' }),
        event({ machine_id: 'a', os_version: '10.12.5' }),
        event({ machine_id: 'b', os_version: '10.12.6' }),
        event({ machine_id: 'c', os_version: '10.12.5' }),
      ],
    });
    const { rows } = await build(archive, { k: '3', contributionCap: '1' });
    // a's two events are one machine's contribution to the row, capped at 1: 1 (a) + 1 (b) + 1 (c).
    expect(rows.map((row) => [row.OSVersion, row.Occurrences])).toEqual([['10.12', '3']]);
  });

  it('counts a machine once when it sent both a raw value and its cleaned form', async ({ tmp }) => {
    // 5 machines, each sending " build" and "build": one row of 5 machines, 10 events; under k=6, none.
    const events = [...machines(5, 'a', { command: ' build' }), ...machines(5, 'a', { command: 'build' })];
    const { rows } = await build(await writeArchive(tmp, { [DAY]: events }), { k: '5' });
    expect(rows.map((row) => [row.Command, row.Occurrences])).toEqual([['build', '10']]);
    const under = await build(await writeArchive(tmp, { [DAY]: events }), { k: '6' });
    expect(under.rows).toEqual([]);
  });
});
