import fc from 'fast-check';
import { cutByDay } from '../../src/shard/plan.js';
import { describe, expect, it } from '../helpers/fixtures.js';

const file = (day: string, bytes: number, name = 'events.ndjson') => ({ day, name, bytes });

describe('cutByDay', () => {
  it('cuts contiguous day ranges balanced by bytes, every file in one shard, at most one shard a day', () => {
    const files = [
      file('2026-07-01', 100),
      file('2026-07-02', 100),
      file('2026-07-03', 400, 'a.parquet'),
      file('2026-07-03', 0, 'b.ndjson'),
      file('2026-07-04', 100),
      file('2026-07-05', 300),
    ];
    expect(cutByDay(files, 2).map((shard) => [shard.firstDay, shard.lastDay, shard.bytes])).toEqual([
      ['2026-07-01', '2026-07-03', 600],
      ['2026-07-04', '2026-07-05', 400],
    ]);
    expect(cutByDay(files, 9)).toHaveLength(5);
    expect(cutByDay(files, 1)[0]!.files).toEqual(files);
  });

  it('is a partition of the files into non-empty shards in day order, the same every time', () => {
    const day = fc.integer({ min: 1, max: 31 }).map((d) => `2026-07-${String(d).padStart(2, '0')}`);
    fc.assert(
      fc.property(
        fc.array(fc.record({ day, bytes: fc.nat(1000) }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 10 }),
        (raw, count) => {
          const files = raw
            .map((entry, index) => file(entry.day, entry.bytes, `f${index}.ndjson`))
            .sort((a, b) => a.day.localeCompare(b.day));
          const shards = cutByDay(files, count);
          expect(shards).toEqual(cutByDay(files, count));
          expect(shards.flatMap((shard) => shard.files)).toEqual(files);
          expect(shards.length).toBe(Math.min(count, new Set(files.map((f) => f.day)).size));
          for (const [index, shard] of shards.entries()) {
            expect(shard.files.length).toBeGreaterThan(0);
            if (index > 0) expect(shard.firstDay > shards[index - 1]!.lastDay).toBe(true);
          }
        },
      ),
    );
  });
});
