import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PublisherError } from '../../src/core/errors.js';
import { machines } from '../helpers/archive.js';
import { build, folderIn, writeArchive } from '../helpers/build.js';
import { cli } from '../helpers/cli.js';
import { describe, expect, it } from '../helpers/fixtures.js';
import { rewrittenQueries } from '../helpers/queries.js';

const DAY = '2026-07-01';

async function buildWithQuery(tmp: string, rewrite: (sql: string) => string) {
  const archive = await writeArchive(tmp, { [DAY]: machines(12, 'm') });
  const queriesDir = await rewrittenQueries(tmp, 'cli-usage', rewrite);
  return build(archive, { k: '5', queriesDir });
}

async function configError(run: Promise<unknown>): Promise<PublisherError> {
  const error = await run.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PublisherError);
  expect((error as PublisherError).code).toBe('E_CONFIG');
  return error as PublisherError;
}

describe('a dataset query runs sandboxed', () => {
  it('cannot read a file of the machine', async ({ tmp }) => {
    // The file's first line would become a Command value if the read went through.
    const error = await configError(
      buildWithQuery(tmp, (sql) =>
        sql.replace(/e\.command\s+AS "Command"/, `(SELECT content FROM read_text('/etc/passwd')) AS "Command"`),
      ),
    );
    expect(error.message).toMatch(/dataset "cli-usage"/);
    expect(error.message).toMatch(/file system operations are disabled|Permission/);
  });

  it('refuses a second statement, and the statement never runs', async ({ tmp }) => {
    const stolen = join(await folderIn(tmp), 'events.csv');
    const error = await configError(
      buildWithQuery(tmp, (sql) => `${sql.trim()};\nCOPY (SELECT * FROM events) TO '${stolen}'`),
    );
    expect(error.message).toMatch(/must be one SELECT statement, found 2 statements/);
    expect(existsSync(stolen)).toBe(false);
  });

  it('refuses a statement that is not a SELECT', async ({ tmp }) => {
    const error = await configError(buildWithQuery(tmp, () => `CREATE TABLE copied AS SELECT * FROM events`));
    expect(error.message).toMatch(/must be one SELECT statement, found a CREATE statement/);
  });

  it('refuses a query that invents its own privacy unit', async ({ tmp }) => {
    const error = await configError(
      buildWithQuery(tmp, (sql) =>
        sql.replace(/e\.machine_id\s+AS machine_id/, 'gen_random_uuid()::VARCHAR AS machine_id'),
      ),
    );
    expect(error.message).toMatch(/must return the archive's machine_id/);
  });

  it('refuses machine ids that are no machine of the archive, even of the right type', async ({ tmp }) => {
    const error = await configError(
      buildWithQuery(tmp, (sql) => sql.replace(/e\.machine_id\s+AS machine_id/, 'hash(e.command) AS machine_id')),
    );
    expect(error.message).toMatch(/no machine of the archive/);
  });

  it('still publishes the bundled query unchanged', async ({ tmp }) => {
    const archive = await writeArchive(tmp, { [DAY]: machines(12, 'm') });
    const built = await build(archive, { k: '5' });
    expect(built.rows.length).toBeGreaterThan(0);
    expect(await readdir(built.outDir)).toContain('cli-usage-2026-q3.tsv');
  });
});

describe('a dataset query that runs out of memory', () => {
  it('is a configuration error naming --memory-limit and the dataset, not query.sql', async ({ tmp }) => {
    const archive = await writeArchive(tmp, { '2026-07-01': machines(12, 'm') });
    // Every fact carries a 200M-element list: far over a 500 MB memory limit.
    const queriesDir = await rewrittenQueries(tmp, 'cli-usage', (sql) =>
      sql.replace(
        /e\.machine_id\s+AS machine_id,/,
        'e.machine_id AS machine_id, (SELECT list(range) FROM range(200000000)) AS big,',
      ),
    );
    const run = await cli([
      'publish',
      ...['--archive', archive, '--target', await folderIn(tmp, 'target-'), '--quarter', '2026-Q3'],
      ...['--dataset', 'cli-usage', '--k', '5', '--queries-dir', queriesDir, '--memory-limit', '500MB'],
    ]);
    expect(run.code).toBe(3);
    expect(run.log.join('\n')).toMatch(
      /ran out of memory while running the query of dataset "cli-usage" with --memory-limit/,
    );
  });
});
