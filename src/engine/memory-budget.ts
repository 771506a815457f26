// The default DuckDB memory_limit. DuckDB's own default (80% of RAM) lets one run's peak RSS grow with
// the quarter (measured: ~310 MB per million events); the job instead works inside a fixed process
// budget and lets DuckDB spill to --temp-dir, which costs little (measured on the 10M bench quarter:
// limit 1 GiB 112 s, 250 MB 118 s).
import { readFile } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { PublisherError } from '../core/errors.js';

const MiB = 1024 * 1024;

/** The memory one run may use, whole process, unless the machine or its container has less. */
export const PROCESS_BUDGET_BYTES = 2048 * MiB;

/**
 * DuckDB's part of the budget. memory_limit bounds only DuckDB's buffer manager: Node's heap, the
 * loaded code and DuckDB's untracked allocations (Parquet decoding, per-thread state) come on top
 * (measured: RSS = limit + 0.4 to 0.5 GB on the 10M quarter), and so do the family step's solver
 * workers (one per core), which admit days only while their estimated peaks fit in as much again as
 * DuckDB's limit (family-solver.ts). Measured on the 10M bench quarter with the bundled family, 2 cores,
 * before that bound: with half the budget (1024MiB) peak RSS 2.26 GB in 234 s, with 700MiB 1.74 GB in
 * 248 s. So about a third.
 */
export const DUCKDB_SHARE = 0.35;

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/**
 * Bytes of a memory size as DuckDB reads it (`716MiB`, `4GB`: KB = 1000 B, KiB = 1024 B). The family
 * solver's workers keep within the same amount as DuckDB (family-solver.ts): with the default, a
 * third of the budget each, and the last third for Node and DuckDB's untracked allocations.
 */
export function memoryBytes(size: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(size.trim());
  const unit = match === null ? undefined : UNITS[(match[2] as string).toLowerCase()];
  if (match === null || unit === undefined) {
    throw new PublisherError(
      'E_CONFIG',
      `memory size: expected a size such as 4GB or 512MiB, got ${JSON.stringify(size)}`,
    );
  }
  return Math.floor(Number(match[1]) * unit);
}

/** Whether `size` is a memory size memoryBytes reads. */
export function isMemorySize(size: string): boolean {
  try {
    memoryBytes(size);
    return true;
  } catch {
    return false;
  }
}

/** cgroup v2, then v1: the container's memory limit, where a runtime (Kubernetes, Docker, Batch) set one. */
const CGROUP_LIMIT_FILES = ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes'];

/**
 * The default memory_limit for a process budget of min(2 GiB, the cgroup limit, the machine's RAM),
 * in whole MiB as DuckDB reads them.
 */
export function defaultMemoryLimit(limits: { cgroupBytes?: number; totalBytes: number }): string {
  const candidates = [PROCESS_BUDGET_BYTES, limits.totalBytes, limits.cgroupBytes ?? Number.POSITIVE_INFINITY];
  const budget = Math.min(...candidates);
  return `${Math.max(1, Math.floor((budget * DUCKDB_SHARE) / MiB))}MiB`;
}

/**
 * The cgroup memory limit in bytes, or undefined where none is set: v2 writes `max`, v1 a number near
 * 2^63 (rounded down to a page), and a host without cgroups has neither file.
 */
export function parseCgroupLimit(text: string): number | undefined {
  const value = text.trim();
  if (!/^\d+$/.test(value)) return undefined;
  const bytes = Number(value);
  return bytes > 0 && bytes < 2 ** 62 ? bytes : undefined;
}

export async function readCgroupLimit(files: readonly string[] = CGROUP_LIMIT_FILES): Promise<number | undefined> {
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      // Missing (another cgroup version, or none) is expected; anything else is worth seeing.
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
      throw error;
    });
    if (text !== undefined) return parseCgroupLimit(text);
  }
  return undefined;
}

/** The default for this process: its cgroup limit and the machine's RAM. */
export async function machineMemoryLimit(): Promise<string> {
  const cgroupBytes = await readCgroupLimit();
  return defaultMemoryLimit({ totalBytes: totalmem(), ...(cgroupBytes === undefined ? {} : { cgroupBytes }) });
}
