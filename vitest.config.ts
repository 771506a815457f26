import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // DuckDB is a native addon: separate processes keep one test file's instance away from another's.
    pool: 'forks',
    // Vitest's default on a 2-core machine is one worker; most test time is waiting on child CLIs,
    // S3 servers and file I/O, so two files at once roughly halve the suite's wall time.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
