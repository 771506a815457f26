// The run's work folder: private (0700) under the temp directory, holding the run's DuckDB file, its
// spill files and the files it builds. It is removed at the end of every run, failed runs included; a
// run that was killed cannot remove its own, so every run first sweeps the folders of dead runs of
// this host (an owner file names the host and process that made each).
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from './log.js';

const OWNER_FILE = 'owner.json';

interface Owner {
  host: string;
  pid: number;
  started: string;
}

/** A fresh private folder `<parent>/<prefix>XXXXXX`, after removing the stale ones of dead runs. */
export async function createWorkDir(parent: string, prefix: string, logger: Logger): Promise<string> {
  await sweepStaleWorkDirs(parent, prefix, logger);
  // mkdtemp creates the folder with mode 0700: nothing in it is readable by other users.
  const dir = await mkdtemp(join(parent, prefix));
  const owner: Owner = { host: hostname(), pid: process.pid, started: new Date().toISOString() };
  // Written aside and renamed: a run killed mid-write leaves no half-written owner file, which the
  // sweep could not read and so would never remove.
  const partial = join(dir, `${OWNER_FILE}.partial`);
  await writeFile(partial, `${JSON.stringify(owner)}\n`, { mode: 0o600 });
  await rename(partial, join(dir, OWNER_FILE));
  return dir;
}

export async function removeWorkDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * Keeps only `keep` (a folder inside `dir`) and removes everything else, owner file included, so the
 * sweep leaves what is left (a dry run's preview) to the person who asked for it.
 */
export async function pruneWorkDir(dir: string, keep: string): Promise<void> {
  const prune = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (path === keep) continue;
      if (entry.isDirectory() && keep.startsWith(`${path}/`)) await prune(path);
      else await rm(path, { recursive: true, force: true });
    }
  };
  await prune(dir);
}

/** Removes `<parent>/<prefix>*` folders whose owner ran on this host and is no longer alive. */
export async function sweepStaleWorkDirs(parent: string, prefix: string, logger: Logger): Promise<void> {
  const entries = await readdir(parent, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || !entry.name.startsWith(prefix)) continue;
    const dir = join(parent, entry.name);
    const owner = await readOwner(dir);
    if (!owner || owner.host !== hostname() || isAlive(owner.pid)) continue;
    await removeWorkDir(dir);
    logger.info('removed the work folder of a run that did not end', {
      folder: dir,
      pid: owner.pid,
      started: owner.started,
    });
  }
}

async function readOwner(dir: string): Promise<Owner | undefined> {
  try {
    const owner = JSON.parse(await readFile(join(dir, OWNER_FILE), 'utf8')) as Partial<Owner>;
    return typeof owner.host === 'string' && Number.isInteger(owner.pid) ? (owner as Owner) : undefined;
  } catch {
    return undefined; // not a folder of ours, or a preview left on purpose
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
