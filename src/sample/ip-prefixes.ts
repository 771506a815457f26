import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { PublisherError } from '../errors.js';

/**
 * Real truncated client addresses, taken from the CC0 range table the publisher's geo lookup uses
 * (@ip-location-db/geo-whois-asn-country): for each country, /24 networks (and a few IPv6 /48s) that lie
 * wholly inside one range of that country, so every prefix we write resolves to the country we meant.
 * The choice depends only on the table (pinned by the lockfile), not on the seed.
 */
export interface CountryPrefixes {
  code: string;
  /** Three IPv4 octets, e.g. `81.2.69`. */
  v4: string[];
  /** IPv6 /48 prefixes, e.g. `2a02:c7c:1b00`. */
  v6: string[];
}

const require = createRequire(import.meta.url);
const TABLE = '@ip-location-db/geo-whois-asn-country';

interface Range {
  first: bigint;
  last: bigint;
}

const tableCache = new Map<string, Promise<Map<string, Range[]>>>();

/**
 * Prefixes for each wanted country: up to `v4` IPv4 /24s and `v6` IPv6 /48s, spread over different ranges.
 * Throws when the table has no whole /24 for a country asked for.
 */
export async function countryPrefixes(
  wanted: ReadonlyArray<{ code: string; v4: number; v6: number }>,
): Promise<Map<string, CountryPrefixes>> {
  const codes = wanted.map((entry) => entry.code);
  const needsV6 = wanted.some((entry) => entry.v6 > 0);
  const [v4Ranges, v6Ranges] = await Promise.all([
    rangesOf(4, codes),
    needsV6 ? rangesOf(6, codes) : Promise.resolve(new Map<string, Range[]>()),
  ]);
  const result = new Map<string, CountryPrefixes>();
  for (const entry of wanted) {
    const v4 = spread(v4Ranges.get(entry.code) ?? [], 8n, entry.v4).map(formatV4);
    if (v4.length === 0) {
      throw new PublisherError('E_INTERNAL', `the IP range table ${TABLE} has no whole /24 network for country ${entry.code}`);
    }
    const v6 = entry.v6 > 0 ? spread(v6Ranges.get(entry.code) ?? [], 80n, entry.v6).map(formatV6) : [];
    result.set(entry.code, { code: entry.code, v4, v6 });
  }
  return result;
}

/**
 * Picks `count` networks of 2^hostBits addresses wholly inside the ranges: ranges in a stable pseudo-random
 * order (not by size, so the big cloud blocks do not take over), one network per range, round after round.
 */
function spread(ranges: readonly Range[], hostBits: bigint, count: number): bigint[] {
  const size = 1n << hostBits;
  const candidates = ranges
    .map((range) => {
      const first = ((range.first + size - 1n) / size) * size;
      const networks = first + size - 1n <= range.last ? (range.last - first + 1n) / size : 0n;
      return { first, networks, order: fnv(range.first.toString(16)) };
    })
    .filter((candidate) => candidate.networks > 0n)
    .sort((a, b) => a.order - b.order || (a.first < b.first ? -1 : 1));
  const picked: bigint[] = [];
  for (let round = 0n; picked.length < count && candidates.some((c) => c.networks > round); round++) {
    for (const candidate of candidates) {
      if (picked.length >= count) break;
      if (candidate.networks <= round) continue;
      // A network well inside the range, different for each round.
      const index = (BigInt(candidate.order) + round * 7919n) % candidate.networks;
      picked.push(candidate.first + index * size);
    }
  }
  return picked;
}

async function rangesOf(version: 4 | 6, codes: readonly string[]): Promise<Map<string, Range[]>> {
  const key = `${version}:${[...codes].sort().join(',')}`;
  let ranges = tableCache.get(key);
  if (!ranges) {
    ranges = loadRanges(version, new Set(codes));
    tableCache.set(key, ranges);
  }
  return ranges;
}

async function loadRanges(version: 4 | 6, codes: ReadonlySet<string>): Promise<Map<string, Range[]>> {
  const path = require.resolve(`${TABLE}/geo-whois-asn-country-ipv${version}.csv`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new PublisherError('E_INTERNAL', `cannot read the IP range table ${path}`, { cause: error });
  }
  const parse = version === 4 ? parseV4 : parseV6;
  const byCode = new Map<string, Range[]>();
  for (const line of text.split('\n')) {
    const comma = line.lastIndexOf(',');
    const code = line.slice(comma + 1).trim();
    if (!codes.has(code)) continue;
    const [start, end] = line.slice(0, comma).split(',');
    if (!start || !end) continue;
    const list = byCode.get(code) ?? [];
    list.push({ first: parse(start), last: parse(end) });
    byCode.set(code, list);
  }
  return byCode;
}

function parseV4(address: string): bigint {
  return address.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
}

function parseV6(address: string): bigint {
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((value, group) => (value << 16n) | BigInt(`0x${group || '0'}`), 0n);
}

function formatV4(network: bigint): string {
  return [24n, 16n, 8n].map((shift) => ((network >> shift) & 0xffn).toString()).join('.');
}

function formatV6(network: bigint): string {
  return [112n, 96n, 80n].map((shift) => ((network >> shift) & 0xffffn).toString(16)).join(':');
}

function fnv(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
