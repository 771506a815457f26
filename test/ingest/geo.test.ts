import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { openDuck, quotedString } from '../../src/engine/duck.js';
import { placeOfCode, placeOfPrefix } from '../../src/ingest/geo.js';

const require = createRequire(import.meta.url);
const table = (version: 4 | 6) =>
  require.resolve(`@ip-location-db/geo-whois-asn-country/geo-whois-asn-country-ipv${version}-num.csv`);

/**
 * The lookup against a reference written another way: DuckDB reads the same range table, takes the
 * range starting last at or before the prefix (ranges nest: 13.144.0.0/15 is SG, 13.144.16.0/20 in it
 * is PH) and keeps its country when it covers the whole prefix, Unknown when it misses the prefix.
 * A prefix that range only partly covers depends on the ranges after it: left out (`undefined`).
 */
async function reference(
  prefixes: Array<{ prefix: string; first: bigint; last: bigint }>,
  version: 4 | 6,
): Promise<Map<string, string | null>> {
  const duck = await openDuck();
  try {
    await duck.run(`
      CREATE TABLE ranges AS SELECT column0::UHUGEINT AS s, column1::UHUGEINT AS e, trim(column2) AS code
      FROM read_csv(${quotedString(table(version))}, header = false, columns = {'column0': 'VARCHAR', 'column1': 'VARCHAR', 'column2': 'VARCHAR'});
      CREATE TABLE prefixes (prefix VARCHAR, f UHUGEINT, l UHUGEINT);`);
    await duck.run(
      `INSERT INTO prefixes VALUES ${prefixes.map((p) => `('${p.prefix}', ${p.first}, ${p.last})`).join(', ')}`,
    );
    const rows = await duck.all<{ prefix: string; code: string | null; partial: boolean }>(`
      SELECT p.prefix, CASE WHEN r.e >= p.l THEN r.code END AS code, coalesce(r.e >= p.f AND r.e < p.l, false) AS partial
      FROM prefixes p ASOF LEFT JOIN (SELECT s, max_by(e, e) AS e, max_by(code, e) AS code FROM ranges GROUP BY s) r ON p.f >= r.s`);
    return new Map(rows.filter((row) => !row.partial).map((row) => [row.prefix, row.code]));
  } finally {
    duck.close();
  }
}

describe('country of a truncated IP address', () => {
  it('agrees with a range query over the same table for IPv4 /24 prefixes across the whole space', async () => {
    const prefixes = [];
    // Every 613th /24, and the /24s just around a few hundred range boundaries (where a prefix can span two countries).
    for (let block = 0; block < 2 ** 24; block += 613) prefixes.push(block);
    for (let block = 0x51024500 >> 8; block < (0x51024500 >> 8) + 300; block++) prefixes.push(block);
    const sample = prefixes.map((block) => {
      const first = BigInt(block) << 8n;
      return { prefix: `${block >> 16}.${(block >> 8) & 255}.${block & 255}`, first, last: first + 255n };
    });
    const expected = await reference(sample, 4);
    let known = 0;
    for (const { prefix } of sample.filter((p) => expected.has(p.prefix))) {
      const code = expected.get(prefix) ?? undefined;
      if (code) known++;
      expect(await placeOfPrefix(prefix), prefix).toEqual(placeOfCode(code));
    }
    expect(expected.size).toBeGreaterThan(sample.length * 0.99); // few prefixes left out
    expect(known).toBeGreaterThan(sample.length / 4); // and not all Unknown
  });

  it('agrees with the range query for IPv6 /48 prefixes', async () => {
    const sample = ['2001:db8:1', '2a00:1450:4001', '2606:4700:10', '2c0f:f248:0', '2400:cb00:2048', 'fe80:0:0'].map(
      (prefix) => {
        const groups = prefix.split(':').map((group) => BigInt(`0x${group}`));
        const first = (groups[0]! << 112n) | (groups[1]! << 96n) | (groups[2]! << 80n);
        return { prefix, first, last: first + (1n << 80n) - 1n };
      },
    );
    const expected = await reference(sample, 6);
    for (const { prefix } of sample.filter((p) => expected.has(p.prefix))) {
      expect(await placeOfPrefix(prefix), prefix).toEqual(placeOfCode(expected.get(prefix) ?? undefined));
    }
  });

  it('gives Unknown for a malformed prefix', async () => {
    expect(await placeOfPrefix('300.1.2')).toEqual({ country: 'Unknown', continent: 'Unknown' });
    expect(await placeOfPrefix('not an address')).toEqual({ country: 'Unknown', continent: 'Unknown' });
  });
});
