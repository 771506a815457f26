import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { continents, countries } from 'countries-list';
import { appendRows, type Duck } from './duck.js';

/**
 * Geography from the truncated IP address the client sent (three IPv4 octets, or an IPv6 /48). The range
 * table ships in @ip-location-db/geo-whois-asn-country; only the distinct prefixes of a run are looked up,
 * in Node, and handed to DuckDB as the table `prefix_geo(ip_prefix, country, continent)`.
 */
export const UNKNOWN = 'Unknown';

interface RangeTable {
  starts: bigint[];
  ends: bigint[];
  codes: string[];
}

const require = createRequire(import.meta.url);
const tableCache = new Map<4 | 6, Promise<RangeTable>>();

function loadTable(version: 4 | 6): Promise<RangeTable> {
  let table = tableCache.get(version);
  if (!table) {
    const path = require.resolve(`@ip-location-db/geo-whois-asn-country/geo-whois-asn-country-ipv${version}-num.csv`);
    table = readFile(path, 'utf8').then(parseTable);
    tableCache.set(version, table);
  }
  return table;
}

function parseTable(text: string): RangeTable {
  const table: RangeTable = { starts: [], ends: [], codes: [] };
  for (const line of text.split('\n')) {
    const [start, end, code] = line.split(',');
    if (!start || !end || !code) continue;
    table.starts.push(BigInt(start));
    table.ends.push(BigInt(end));
    table.codes.push(code.trim());
  }
  return table;
}

/** Parses a prefix into the inclusive address range it stands for, or undefined when malformed. */
export function prefixRange(prefix: string): { version: 4 | 6; first: bigint; last: bigint } | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(prefix);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((octet) => octet > 255)) return undefined;
    const first = BigInt(((octets[0]! << 24) >>> 0) + (octets[1]! << 16) + (octets[2]! << 8));
    return { version: 4, first, last: first + 255n };
  }
  const v6 = /^([0-9a-f]{1,4}):([0-9a-f]{1,4}):([0-9a-f]{1,4})(::(\/48)?)?$/i.exec(prefix);
  if (v6) {
    const groups = v6.slice(1, 4).map((group) => BigInt(`0x${group}`));
    const first = (groups[0]! << 112n) | (groups[1]! << 96n) | (groups[2]! << 80n);
    return { version: 6, first, last: first + (1n << 80n) - 1n };
  }
  return undefined;
}

/** Country code covering the whole range, or undefined when none or when the range spans several countries. */
function lookup(table: RangeTable, first: bigint, last: bigint): string | undefined {
  let low = 0;
  let high = table.starts.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (table.starts[middle]! <= first) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  if (found < 0 || table.ends[found]! < first) return undefined;
  const code = table.codes[found]!;
  let covered = table.ends[found]!;
  for (let next = found + 1; covered < last; next++) {
    if (next >= table.starts.length || table.starts[next]! !== covered + 1n || table.codes[next] !== code) return undefined;
    covered = table.ends[next]!;
  }
  return code;
}

export interface Place {
  country: string;
  continent: string;
}

export function placeOfCode(code: string | undefined): Place {
  const country = code ? countries[code as keyof typeof countries] : undefined;
  if (!country) return { country: UNKNOWN, continent: UNKNOWN };
  return { country: country.name, continent: continents[country.continent as keyof typeof continents] ?? UNKNOWN };
}

export async function placeOfPrefix(prefix: string): Promise<Place> {
  const range = prefixRange(prefix.trim());
  if (!range) return placeOfCode(undefined);
  return placeOfCode(lookup(await loadTable(range.version), range.first, range.last));
}

/** Builds `prefix_geo` for every distinct `ip_prefix` of the `events` table. */
export async function buildPrefixGeo(duck: Duck): Promise<number> {
  await duck.run(`CREATE OR REPLACE TABLE prefix_geo (ip_prefix VARCHAR PRIMARY KEY, country VARCHAR NOT NULL, continent VARCHAR NOT NULL)`);
  const prefixes = await duck.all<{ ip_prefix: string }>(`SELECT DISTINCT ip_prefix FROM events WHERE ip_prefix IS NOT NULL ORDER BY 1`);
  const rows: string[][] = [];
  for (const { ip_prefix } of prefixes) {
    const place = await placeOfPrefix(ip_prefix);
    rows.push([ip_prefix, place.country, place.continent]);
  }
  await appendRows(duck, 'prefix_geo', rows);
  return prefixes.length;
}
