import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // DuckDB is a native addon: separate processes keep one test file's instance away from another's.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
