import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { quarterDays } from '../../src/core/quarter.js';
import { machines } from '../helpers/archive.js';
import { build, folderIn, Q3, writeArchive } from '../helpers/build.js';
import { cli } from '../helpers/cli.js';
import { describe, expect, it } from '../helpers/fixtures.js';

const DAY = '2026-07-01';

/** A publish run's arguments with its own temp dir, so the test sees every work folder it makes. */
async function publishArgs(tmp: string, archive: string, extra: string[] = []) {
  const tempDirectory = await folderIn(tmp, 'tp-work-');
  const target = await folderIn(tmp, 'tp-target-');
  const args = ['publish', '--archive', archive, '--target', target, '--quarter', '2026-Q3', '--dataset', 'cli-usage'];
  return { tempDirectory, target, args: [...args, '--k', '5', '--temp-dir', tempDirectory, ...extra] };
}

describe('the work folder', () => {
  it('is removed after a run that published', async ({ tmp }) => {
    const { tempDirectory, args } = await publishArgs(tmp, await writeArchive(tmp, { [DAY]: machines(12, 'm') }));
    const { code } = await cli(args);
    expect(code).toBe(0);
    expect(await readdir(tempDirectory)).toEqual([]);
  });

  it('is removed after a run that failed', async ({ tmp }) => {
    // Every event rejected: the run fails after its work folder and database exist.
    const archive = await writeArchive(tmp, { [DAY]: ['not json', 'still not json'] });
    const { tempDirectory, args } = await publishArgs(tmp, archive);
    const { code } = await cli(args);
    expect(code).toBe(5);
    expect(await readdir(tempDirectory)).toEqual([]);
  });

  it('keeps only the preview after a dry run, with no database and nothing the next run would sweep', async ({
    tmp,
  }) => {
    const { tempDirectory, args } = await publishArgs(tmp, await writeArchive(tmp, { [DAY]: machines(12, 'm') }), [
      '--dry-run',
    ]);
    const { code } = await cli(args);
    expect(code).toBe(0);
    const [folder] = await readdir(tempDirectory);
    const left = await readdir(join(tempDirectory, folder!), { recursive: true });
    expect(left.some((path) => path.endsWith('cli-usage-2026-q3.tsv'))).toBe(true);
    expect(left.filter((path) => /duckdb|spill|owner\.json/.test(path))).toEqual([]);
  });

  it('is private to the user that runs the job', async ({ tmp }) => {
    const { tempDirectory, args } = await publishArgs(tmp, await writeArchive(tmp, { [DAY]: machines(12, 'm') }), [
      '--dry-run',
    ]);
    await cli(args);
    const [folder] = await readdir(tempDirectory);
    expect((await stat(join(tempDirectory, folder!))).mode & 0o777).toBe(0o700);
  });

  it('of a killed run is swept by the next run on the same host', async ({ tmp }) => {
    // A quarter large enough that the run is still going when it is killed.
    const days = quarterDays(Q3);
    const archive = await writeArchive(
      tmp,
      Object.fromEntries(days.map((day) => [day, machines(200, 'm', { timestamp: `${day}T08:00:00Z` })])),
    );
    const { tempDirectory, args } = await publishArgs(tmp, archive);
    const child = spawn(process.execPath, ['bin/telemetry-publisher.js', ...args], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)));
    const deadline = Date.now() + 60_000;
    while (!existsSync(join(tempDirectory, (await readdir(tempDirectory))[0] ?? '-', 'owner.json'))) {
      if (Date.now() > deadline) throw new Error('the child never made its work folder');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const [stale] = await readdir(tempDirectory);
    expect(stale).toMatch(/^telemetry-publisher-/);

    const next = await cli(
      await publishArgs(tmp, await writeArchive(tmp, { [DAY]: machines(12, 'm') })).then((run) => [
        ...run.args.slice(0, -2),
        '--temp-dir',
        tempDirectory,
      ]),
    );
    expect(next.code).toBe(0);
    expect(await readdir(tempDirectory)).toEqual([]);
    expect(next.log.some((line) => line.includes('removed the work folder of a run that did not end'))).toBe(true);
  });

  it('of a live run, or of another host, is left alone', async ({ tmp }) => {
    const tempDirectory = await folderIn(tmp, 'tp-work-');
    const live = join(tempDirectory, 'telemetry-publisher-live');
    const elsewhere = join(tempDirectory, 'telemetry-publisher-elsewhere');
    for (const [dir, owner] of [
      [live, { host: (await import('node:os')).hostname(), pid: process.pid, started: '' }],
      [elsewhere, { host: 'another-host', pid: 1_999_999, started: '' }],
    ] as const) {
      await (await import('node:fs/promises')).mkdir(dir);
      await writeFile(join(dir, 'owner.json'), JSON.stringify(owner));
    }
    const { args } = await publishArgs(tmp, await writeArchive(tmp, { [DAY]: machines(12, 'm') }));
    const { code } = await cli([...args.slice(0, -2), '--temp-dir', tempDirectory]);
    expect(code).toBe(0);
    expect((await readdir(tempDirectory)).sort()).toEqual([
      'telemetry-publisher-elsewhere',
      'telemetry-publisher-live',
    ]);
  });
});

describe('the working database', () => {
  it('never holds a raw opted-out id, an IP prefix or a rare value, even when a revision keeps its tables in the file', async ({
    tmp,
  }) => {
    const archive = await writeArchive(tmp, {
      [DAY]: [
        ...machines(12, 'm', { ip_prefix: '81.2.69' }),
        ...machines(3, 'forget-me-'),
        ...machines(1, 'rare-', { command: 'rare-secret-command' }),
      ],
    });
    const optOut = join(await folderIn(tmp), 'opt-out.txt');
    await writeFile(optOut, 'forget-me-0\nforget-me-1\nforget-me-2\n');
    const built = await build(archive, { k: '5', revise: true, optOut });
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
        // Only the facts a revision compares may hold raw values (a rare command among them).
        const forbidden = String(table).endsWith('_facts') ? `('81.2.69')` : `('81.2.69', 'rare-secret-command')`;
        const found = await connection.runAndReadAll(
          `SELECT count(*)::INTEGER FROM "${String(table)}" WHERE "${String(column)}" LIKE 'forget-me-%' OR "${String(column)}" IN ${forbidden}`,
        );
        expect(found.getRows()[0]![0], `${String(table)}.${String(column)}`).toBe(0);
      }
      const tables = (await connection.runAndReadAll(`SELECT table_name FROM duckdb_tables()`)).getRows().flat();
      expect(tables).not.toContain('opt_out');
      expect(tables).not.toContain('prefix_geo');
      expect(tables).not.toContain('archive_rows');
      expect(tables.filter((name) => String(name).includes('_label_'))).toEqual([]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
