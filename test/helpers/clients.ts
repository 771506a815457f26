// The readers' own tools the snippet tests run: Debian's python3 with pandas, R with readr, curl and
// sha256sum, and DuckDB's httpfs extension where it can be loaded. `npm run test:setup`
// (scripts/install-test-deps.sh) installs the Debian packages; a test whose tool is missing fails,
// naming the package, rather than pass by returning early.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import type { DuckDBConnection } from '@duckdb/node-api';

export const PYTHON = '/usr/bin/python3';
export const RSCRIPT = '/usr/bin/Rscript';
export const CURL = '/usr/bin/curl';
export const SHA256SUM = '/usr/bin/sha256sum';

/** Asynchronous, so an HTTP server in the test's own process can answer the child. */
export const run = promisify(execFile);

/** Fails the test, naming the Debian package to install, when `present` is false. */
export function requireDebianPackage(name: string, present: boolean): void {
  if (!present) {
    throw new Error(
      `the Debian package ${name} is not installed: run \`npm run test:setup\` (as root it installs it; otherwise apt-get install ${name})`,
    );
  }
}

export function requirePandas(): void {
  requireDebianPackage('python3-pandas', existsSync(PYTHON) && succeeds(PYTHON, ['-c', 'import pandas']));
}

export function requireReadr(): void {
  requireDebianPackage('r-base-core', existsSync(RSCRIPT));
  requireDebianPackage('r-cran-readr', succeeds(RSCRIPT, ['-e', 'library(readr)']));
}

export function requireCurl(): void {
  requireDebianPackage('curl', existsSync(CURL));
  requireDebianPackage('coreutils', existsSync(SHA256SUM));
}

/**
 * Whether DuckDB's httpfs extension loads from the local extension folder. Never downloads it: with
 * autoinstall off, LOAD only finds an extension already installed (@duckdb/node-api bundles none).
 */
export async function httpfsLoads(connection: DuckDBConnection): Promise<boolean> {
  await connection.run('SET autoinstall_known_extensions = false');
  try {
    await connection.run('LOAD httpfs');
    return true;
  } catch {
    return false;
  }
}

function succeeds(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
