// Real truncated client addresses, taken from the CC0 range table the publisher's geo lookup uses
// (@ip-location-db/geo-whois-asn-country): for each country, /24 networks (and a few IPv6 /48s) that lie
// wholly inside one range of that country, so every prefix we write resolves to the country we meant.
// The choice depends only on the table (pinned by the lockfile), not on the seed.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { PublisherError } from '../../src/core/errors.js';

export interface CountryPrefixes {
  code: string;
  /** Three IPv4 octets, e.g. `81.2.69`. */
  v4: string[];
  /** IPv6 /48 prefixes, e.g. `2a02:c7c:1b00`. */
  v6: string[];
}

const require = createRequire(import.meta.url);
const TABLE = '@ip-location-db/geo-whois-asn-country';

/**
 * The table's lines (`start,end,CC`) by country, kept as offsets into the file's text: the two tables have
 * 550 000 lines, of which only a few dozen per country are ever parsed.
 */
interface RangeTable {
  text: string;
  lines: Map<string, number[]>;
}

const tableCache = new Map<4 | 6, Promise<RangeTable>>();

/**
 * Prefixes for each wanted country: up to `v4` IPv4 /24s and `v6` IPv6 /48s, spread over different ranges.
 * Throws when the table has no whole /24 for a country asked for.
 */
export async function countryPrefixes(
  wanted: ReadonlyArray<{ code: string; v4: number; v6: number }>,
): Promise<Map<string, CountryPrefixes>> {
  const key = JSON.stringify(wanted);
  let result = resultCache.get(key);
  if (!result) {
    result = pickPrefixes(wanted);
    resultCache.set(key, result);
    result.catch(() => resultCache.delete(key));
  }
  return result;
}

const resultCache = new Map<string, Promise<Map<string, CountryPrefixes>>>();

async function pickPrefixes(
  wanted: ReadonlyArray<{ code: string; v4: number; v6: number }>,
): Promise<Map<string, CountryPrefixes>> {
  const needsV6 = wanted.some((entry) => entry.v6 > 0);
  const [v4Table, v6Table] = await Promise.all([
    rangesOf(4),
    needsV6 ? rangesOf(6) : Promise.resolve({ text: '', lines: new Map() }),
  ]);
  const result = new Map<string, CountryPrefixes>();
  for (const entry of wanted) {
    const v4 = spread(v4Table, entry.code, parseV4, 8n, entry.v4).map(formatV4);
    if (v4.length === 0) {
      throw new PublisherError(
        'E_INTERNAL',
        `the IP range table ${TABLE} has no whole /24 network for country ${entry.code}`,
      );
    }
    const v6 = entry.v6 > 0 ? spread(v6Table, entry.code, parseV6, 80n, entry.v6).map(formatV6) : [];
    result.set(entry.code, { code: entry.code, v4, v6 });
  }
  return result;
}

/**
 * Picks `count` networks of 2^hostBits addresses wholly inside the country's ranges: ranges in a stable
 * pseudo-random order (not by size, so the big cloud blocks do not take over), one network per range, round
 * after round.
 */
function spread(
  table: RangeTable,
  code: string,
  parse: (address: string) => bigint,
  hostBits: bigint,
  count: number,
): bigint[] {
  const { text } = table;
  const size = 1n << hostBits;
  const ordered = (table.lines.get(code) ?? [])
    .map((start) => ({ start, order: fnv(text, start, text.indexOf(',', start)) }))
    .sort((a, b) => a.order - b.order || a.start - b.start);
  const picked: bigint[] = [];
  const usable: Array<{ first: bigint; networks: bigint; order: number }> = [];
  for (const { start, order } of ordered) {
    if (picked.length >= count) return picked;
    const [from = '', to = ''] = text.slice(start, text.indexOf('\n', start) >>> 0).split(',');
    const rangeFirst = parse(from);
    const rangeLast = parse(to);
    const first = ((rangeFirst + size - 1n) / size) * size;
    if (first + size - 1n > rangeLast) continue;
    const networks = (rangeLast - first + 1n) / size;
    usable.push({ first, networks, order });
    // A network well inside the range.
    picked.push(first + (BigInt(order) % networks) * size);
  }
  // Fewer ranges than wanted: further networks from the ranges that have them.
  for (let round = 1n; picked.length < count && usable.some((u) => u.networks > round); round++) {
    for (const candidate of usable) {
      if (picked.length >= count) break;
      if (candidate.networks <= round) continue;
      picked.push(candidate.first + ((BigInt(candidate.order) + round * 7919n) % candidate.networks) * size);
    }
  }
  return picked;
}

/** Read once per process. */
function rangesOf(version: 4 | 6): Promise<RangeTable> {
  let table = tableCache.get(version);
  if (!table) {
    table = loadRanges(version);
    tableCache.set(version, table);
  }
  return table;
}

async function loadRanges(version: 4 | 6): Promise<RangeTable> {
  const path = require.resolve(`${TABLE}/geo-whois-asn-country-ipv${version}.csv`);
  let text: string;
  try {
    // ASCII: latin1 decodes faster than utf8.
    text = await readFile(path, 'latin1');
  } catch (error) {
    throw new PublisherError('E_INTERNAL', `cannot read the IP range table ${path}`, { cause: error });
  }
  const lines = new Map<string, number[]>();
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const comma = text.lastIndexOf(',', end);
    if (comma > start) {
      const code = text.slice(comma + 1, end).trim();
      const list = lines.get(code);
      if (list) list.push(start);
      else lines.set(code, [start]);
    }
    start = end + 1;
  }
  return { text, lines };
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

/** FNV-1a of text[from, to). */
function fnv(text: string, from: number, to: number): number {
  let hash = 0x811c9dc5;
  for (let i = from; i < to; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
