import { describe, expect, it } from 'vitest';
import { openDuck } from '../../src/engine/duck.js';
import { resourceError } from '../../src/engine/resources.js';

describe('DuckDB out of memory is a setting to change (exit 3 naming --memory-limit)', () => {
  it('a real out-of-memory error names --memory-limit and the limit in force', async () => {
    const duck = await openDuck({ memoryLimit: '8MB', threads: 1 });
    try {
      // A list aggregate cannot spill: 10M integers need ~80 MB of buffer memory.
      const error = await duck.all('SELECT list(i) AS l FROM range(10000000) t(i)').then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error, 'the query must fail under an 8MB limit').toBeInstanceOf(Error);
      const mapped = await resourceError(duck, error, 'reading the archive');
      expect(mapped).toMatchObject({
        code: 'E_CONFIG',
        message: expect.stringMatching(
          /ran out of memory while reading the archive with --memory-limit \(TP_MEMORY_LIMIT\) at 7\.6 MiB/,
        ),
      });
      expect(mapped?.cause).toBe(error);
    } finally {
      duck.close();
    }
  });

  it('another failure is left to its stage', async () => {
    const duck = await openDuck();
    try {
      const error = await duck.all('SELECT * FROM no_such_table').catch((caught: unknown) => caught);
      expect(await resourceError(duck, error, 'reading the archive')).toBeUndefined();
    } finally {
      duck.close();
    }
  });
});
