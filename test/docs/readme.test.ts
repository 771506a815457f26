import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { main } from '../../src/cli.js';
import { createMemoryLogger } from '../../src/core/log.js';
import { machines } from '../helpers/archive.js';
import { folderIn, writeArchive } from '../helpers/build.js';
import { cliUsagePublishArgs } from '../helpers/cli.js';
import { describe, expect, it, test } from '../helpers/fixtures.js';

// The README's notebook snippets are run against a file the job published, served over HTTP on
// loopback, so the documentation cannot rot. pandas and R (readr) come from Debian's packages, which
// `npm run test:setup` (scripts/install-test-deps.sh) installs: without them these tests fail, naming
// the package, in every environment; none passes by returning early.
const run = promisify(execFile);
const README_URL = 'https://data.example.org/usage/cli-usage-2026-q3.tsv';
const PYTHON = '/usr/bin/python3';
const RSCRIPT = '/usr/bin/Rscript';

async function snippet(language: string): Promise<string> {
  const readme = await readFile('README.md', 'utf8');
  const block = new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``).exec(readme)?.[1];
  if (!block) throw new Error(`README has no \`\`\`${language} block`);
  expect(block).toContain(README_URL);
  return block;
}

describe('README snippets', () => {
  let target: string;
  let server: Server;
  let url: string;

  test.beforeAll(async ({ fileTmp }) => {
    const archive = await writeArchive(fileTmp, {
      '2026-07-01': [...machines(12, 'a'), ...machines(11, 'b', { command: 'run', os_version: '10.10' })],
    });
    target = await folderIn(fileTmp, 'target-');
    const code = await main(cliUsagePublishArgs(archive, target), createMemoryLogger(), {
      write: () => true,
    } as unknown as NodeJS.WritableStream);
    expect(code).toBe(0);
    server = createServer(async (request, response) => {
      try {
        response.end(await readFile(join(target, request.url!.split('/').pop()!)));
      } catch {
        response.statusCode = 404;
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cli-usage-2026-q3.tsv`;
  });
  test.afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('DuckDB reads versions as text and sums by command', async () => {
    // DuckDB reaches HTTPS through httpfs, which is not available offline here: the same query on the file.
    const sql = (await snippet('sql')).replace(README_URL, join(target, 'cli-usage-2026-q3.tsv'));
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const rows = (await connection.runAndReadAll(sql)).getRowObjectsJson();
      expect(rows).toEqual([
        { Timestamp: '2026-07-01', Command: 'build', occurrences: '12' },
        { Timestamp: '2026-07-01', Command: 'run', occurrences: '11' },
      ]);
      const types = (
        await connection.runAndReadAll(
          `DESCRIBE ${sql.replace(/GROUP BY[\s\S]*$/, '').replace('SELECT Timestamp, Command, sum(Occurrences) AS occurrences', 'SELECT OSVersion')}`,
        )
      ).getRowObjectsJson();
      expect(types[0]).toMatchObject({ column_name: 'OSVersion', column_type: 'VARCHAR' });
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('pandas reads the URL with versions as text', async () => {
    requireDebianPackage('python3-pandas', existsSync(PYTHON) && pythonHasPandas());
    const code = `${(await snippet('python')).replace(README_URL, url)}\nprint("VERSION", df["OSVersion"].tolist())\n`;
    // Asynchronous: the HTTP server serving the file runs in this process.
    const { stdout: output } = await run(PYTHON, ['-c', code]);
    expect(output).toMatch(/build\s+12/);
    expect(output).toContain("VERSION ['22.04', '10.10']");
  });

  it('R readr reads the URL with versions as text', async () => {
    requireDebianPackage('r-base-core', existsSync(RSCRIPT));
    requireDebianPackage('r-cran-readr', rHasReadr());
    const code = `${(await snippet('r')).replace(README_URL, url)}\ncat("VERSION", df$OSVersion, "\\n")\n`;
    const { stdout: output } = await run(RSCRIPT, ['-e', code]);
    expect(output).toMatch(/build/);
    expect(output).toContain('VERSION 22.04 10.10');
  });
});

function pythonHasPandas(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import pandas'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function rHasReadr(): boolean {
  try {
    execFileSync(RSCRIPT, ['-e', 'library(readr)'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Fails the test, naming the Debian package to install, when `present` is false. */
function requireDebianPackage(name: string, present: boolean): void {
  if (!present) {
    throw new Error(
      `the Debian package ${name} is not installed: run \`npm run test:setup\` (as root it installs it; otherwise apt-get install ${name})`,
    );
  }
}
