import { readFile } from 'node:fs/promises';
import { createMemoryLogger } from '../../src/core/log.js';
import { quarterDays } from '../../src/core/quarter.js';
import { protectLinkedRows } from '../../src/protect/linked.js';
import { loadDataset } from '../../src/query/dataset.js';
import { snapshot } from '../helpers/archive.js';
import { build, ingestedDuck, Q3, queryAndProtect, writeArchive } from '../helpers/build.js';
import { describe, expect, it } from '../helpers/fixtures.js';

describe('installations', () => {
  it('counts each installation once, by its latest snapshot, and never a non-production one', async ({ tmp }) => {
    const days = ['2026-07-01', '2026-08-01', '2026-09-30'];
    const archive = await writeArchive(tmp, {
      // 10 installations send a snapshot every day of the fixture: each is counted once, not three times.
      // 5 upgraders run 23.10.0 until August and 24.2.0 at the end of the quarter: they count as 24.2.0.
      // (Installations and feature-usage are protected together: a single upgrader would be suppressed,
      // and with it the row it could be derived from.)
      [days[0]!]: [
        ...Array.from({ length: 10 }, (_, i) => snapshot(`i${i}`, days[0]!)),
        ...Array.from({ length: 5 }, (_, i) => snapshot(`upgrader${i}`, days[0]!)),
      ],
      [days[1]!]: [
        ...Array.from({ length: 10 }, (_, i) => snapshot(`i${i}`, days[1]!)),
        ...Array.from({ length: 5 }, (_, i) => snapshot(`upgrader${i}`, days[1]!)),
      ],
      [days[2]!]: [
        ...Array.from({ length: 10 }, (_, i) => snapshot(`i${i}`, days[2]!)),
        ...Array.from({ length: 5 }, (_, i) => snapshot(`upgrader${i}`, days[2]!, { product_version: '24.2.0' })),
        // Only ever non-production: excluded, and counted in the summary.
        ...Array.from({ length: 10 }, (_, i) =>
          snapshot(`test-rig-${i}`, days[2]!, { environment: 'non-production', product_version: '99.0.0' }),
        ),
      ],
    });
    const { rows, events, tsv } = await build(archive, { k: '5', datasets: ['installations'] });
    const row = (version: string, installations: string) =>
      expect.objectContaining({
        Quarter: '2026-Q3',
        ProductVersion: version,
        Installations: installations,
        Cores: '8-15',
        MemoryGiB: '16-31',
        Container: 'no',
      });
    expect(rows).toEqual([row('23.10.0', '10'), row('24.2.0', '5')]);
    expect(tsv).not.toContain('99.0');
    expect(events.excludedNonProduction).toBe(10);
  });

  it('publishes nothing for a bucket under k and no installation id anywhere', async ({ tmp }) => {
    const archive = await writeArchive(tmp, {
      '2026-07-01': [
        ...Array.from({ length: 6 }, (_, i) => snapshot(`small-${i}`, '2026-07-01', {}, { core_count: 4 })),
        ...Array.from({ length: 2 }, (_, i) => snapshot(`huge-${i}`, '2026-07-01', {}, { core_count: 128 })),
      ],
    });
    const built = await build(archive, { k: '5', datasets: ['installations', 'feature-usage'] });
    for (const { file } of built.datasets) {
      const text = await readFile(file.localPath, 'utf8');
      expect(text).not.toMatch(/small-|huge-|64\+/);
      for (const line of text.trimEnd().split('\n').slice(1))
        expect(Number(line.split('\t')[1])).toBeGreaterThanOrEqual(5);
    }
  });

  it('is byte-identical on a rerun', async ({ tmp }) => {
    const archive = await writeArchive(tmp, {
      '2026-07-01': Array.from({ length: 12 }, (_, i) => snapshot(`i${i}`, '2026-07-01', {}, { projects: i })),
    });
    const flags = { k: '3', datasets: ['installations', 'feature-usage'] };
    const first = await build(archive, flags);
    const second = await build(archive, flags);
    expect(second.datasets.map((d) => d.file.sha256)).toEqual(first.datasets.map((d) => d.file.sha256));
  });
});

/**
 * The attacker knows every installation reports every feature, so each feature's rows sum to the same
 * total. Given the published files alone it takes the largest sum as that total and reads any shortfall
 * as the value of the hidden rows of that feature.
 */
function attack(
  featureRows: ReadonlyArray<{ Product: string; Feature: string; Installations: string }>,
): Map<string, number> {
  const sums = new Map<string, number>();
  for (const row of featureRows)
    sums.set(
      `${row.Product}/${row.Feature}`,
      (sums.get(`${row.Product}/${row.Feature}`) ?? 0) + Number(row.Installations),
    );
  const total = Math.max(...sums.values());
  return new Map([...sums].filter(([, sum]) => sum < total).map(([feature, sum]) => [feature, total - sum]));
}

describe('differencing between linked rows', () => {
  it('suppresses further rows so that a suppressed bucket cannot be recovered as total minus parts', async ({
    tmp,
  }) => {
    // 10 installations: all have 1 user; 8 have 2-5 projects and 2 have over 100 (under k=3: suppressed).
    const day = quarterDays(Q3)[0]!;
    const archive = await writeArchive(tmp, {
      [day]: Array.from({ length: 10 }, (_, i) =>
        snapshot(`i${i}`, day, {}, { users: 1, projects: i < 8 ? 3 : 500, projections_running: undefined }),
      ),
    });
    const logger = createMemoryLogger();
    const duck = await ingestedDuck(archive, [day]);
    try {
      const features = await queryAndProtect(duck, await loadDataset('feature-usage'), { k: 3, cap: 1 }, logger);
      const installations = await queryAndProtect(duck, await loadDataset('installations'), { k: 3, cap: 1 }, logger);
      const published = () =>
        duck.all<{ Product: string; Feature: string; Installations: string }>(
          `SELECT "Product", "Feature", _value::VARCHAR AS "Installations" FROM ${features.tables.rows} WHERE _published`,
        );

      // Primary suppression alone: the attacker recovers the 2 hidden installations exactly.
      const naive = attack(await published());
      expect(naive.get('eventstoredb/projects')).toBe(2);

      await protectLinkedRows(duck, [features, installations], logger);
      const safe = attack(await published());
      expect(safe.get('eventstoredb/projects')).not.toBe(2);
      const [secondary] = await duck.all<{ n: string }>(
        `SELECT count(*)::VARCHAR AS n FROM ${features.tables.rows} WHERE _secondary`,
      );
      expect(Number(secondary?.n)).toBeGreaterThan(0);
    } finally {
      duck.close();
    }
  });
});
