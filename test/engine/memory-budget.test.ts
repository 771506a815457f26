import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/config.js';
import { openDuck } from '../../src/engine/duck.js';
import { defaultMemoryLimit, memoryBytes, parseCgroupLimit, readCgroupLimit } from '../../src/engine/memory-budget.js';

const GiB = 1024 ** 3;

describe('the default DuckDB memory limit: 35% of min(2 GiB, cgroup limit, RAM)', () => {
  it('on a large machine without a container limit, 35% of the 2 GiB budget', () => {
    expect(defaultMemoryLimit({ totalBytes: 24 * GiB })).toBe('716MiB');
  });

  it('a container limit or a machine smaller than 2 GiB lowers it', () => {
    expect(defaultMemoryLimit({ totalBytes: 24 * GiB, cgroupBytes: 1 * GiB })).toBe('358MiB');
    expect(defaultMemoryLimit({ totalBytes: 1.5 * GiB })).toBe('537MiB');
    // A pod with 2.5 GiB (2 GiB + headroom, as deploy/ sets) keeps the 2 GiB budget.
    expect(defaultMemoryLimit({ totalBytes: 24 * GiB, cgroupBytes: 2.5 * GiB })).toBe('716MiB');
  });

  it('reads cgroup v2 `max` and v1 near-2^63 as no limit, a number as the limit', async () => {
    expect(parseCgroupLimit('max\n')).toBeUndefined();
    expect(parseCgroupLimit('9223372036854771712\n')).toBeUndefined();
    expect(parseCgroupLimit('2684354560\n')).toBe(2684354560);
    const folder = await mkdtemp(join(tmpdir(), 'tp-cgroup-'));
    await writeFile(join(folder, 'memory.max'), '1073741824\n');
    expect(await readCgroupLimit([join(folder, 'missing'), join(folder, 'memory.max')])).toBe(GiB);
    expect(await readCgroupLimit([join(folder, 'missing')])).toBeUndefined();
  });

  it('resolveSettings sets it when no flag, variable or config file does, and DuckDB takes it', async () => {
    const settings = await resolveSettings({}, {}, undefined);
    expect(settings.memoryLimit).toMatch(/^\d+MiB$/);
    expect(Number.parseInt(settings.memoryLimit ?? '', 10)).toBeLessThanOrEqual(716);
    expect((await resolveSettings({}, { TP_MEMORY_LIMIT: '3GB' }, undefined)).memoryLimit).toBe('3GB');
    const duck = await openDuck({ memoryLimit: '1024MiB' });
    try {
      const [row] = await duck.all<{ bytes: string }>(
        `SELECT (SELECT value FROM duckdb_settings() WHERE name = 'memory_limit') AS bytes`,
      );
      expect(row?.bytes).toBe('1.0 GiB');
    } finally {
      duck.close();
    }
  });
});

describe('memoryBytes: a memory size as DuckDB reads it', () => {
  it.for([
    ['716MiB', 716 * 2 ** 20],
    ['4GB', 4e9],
    ['1.5 GiB', 1.5 * 2 ** 30],
    ['250mb', 250e6],
    ['512KiB', 512 * 1024],
  ] as const)('%s', ([size, bytes]) => {
    expect(memoryBytes(size)).toBe(bytes);
  });

  it('the default limit reads back as 35% of the budget', () => {
    expect(memoryBytes(defaultMemoryLimit({ totalBytes: 24 * 2 ** 30 }))).toBe(716 * 2 ** 20);
  });

  it.for(['', '4', 'GB', '4 parsecs', '-1GB'])('refuses %j', (size) => {
    expect(() => memoryBytes(size)).toThrow(/expected a size such as 4GB/);
  });

  it('the settings accept exactly the sizes it reads', async () => {
    expect((await resolveSettings({}, { TP_MEMORY_LIMIT: '1.5 GiB' }, undefined)).memoryLimit).toBe('1.5 GiB');
    await expect(resolveSettings({}, { TP_MEMORY_LIMIT: '4 parsecs' }, undefined)).rejects.toThrow(
      /memory-limit.*a size such as 4GB or 512MiB/s,
    );
  });
});
