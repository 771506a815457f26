// Snapshot events: each installation of a product sends one a day, at about the same time, while it runs.
// Installations are drawn in JS (they are few) into `installations_<product>`; `snapshotRowsSql` turns
// them into the snapshots of a stretch of days.

import { createHash } from 'node:crypto';
import { type DuckDBConnection, quotedString } from '@duckdb/node-api';
import { type Columns, type FileFormat, formatOffset, timestampSql } from './commands.js';
import { COUNTRIES, prefixWants } from './countries.js';
import { countryPrefixes } from './ip-prefixes.js';
import type { ProductSpec } from './products.js';
import { createRandom, type Random } from './random.js';
import { sqlValue, uniform } from './sql.js';

/** Share of days an installation misses (server down, network). */
const MISSED_DAY_SHARE = 0.02;

export interface InstallationSettings {
  seed: number;
  installations: number;
  /** Epoch days the archive covers, inclusive. */
  firstDay: number;
  lastDay: number;
}

interface Installation {
  installation_id: string;
  first_day: number;
  last_day: number;
  send_ms: number;
  offset_minutes: number;
  offset_text: string;
  ip_prefix: string;
  os_family: string;
  environment: string;
  version: string;
  version_after: string | null;
  upgrade_day: number | null;
  growth: number;
}

export function installationsTable(product: ProductSpec): string {
  return `installations_${product.product.replace(/[^a-z0-9]/g, '_')}`;
}

export async function createInstallations(
  connection: DuckDBConnection,
  product: ProductSpec,
  settings: InstallationSettings,
): Promise<void> {
  const random = createRandom(settings.seed, `installations:${product.product}`);
  const prefixes = await countryPrefixes(prefixWants());
  const countries = COUNTRIES.map((country) => ({ value: country, weight: country.weight }));
  const rows: Array<{ installation: Installation; metrics: Record<string, number | boolean> }> = [];
  for (let index = 0; index < settings.installations; index++) {
    const installation = drawInstallation(random, product, settings, index);
    const country = random.weighted(countries);
    const offset = random.chance(0.6) ? 0 : random.pick(country.offsets);
    installation.offset_minutes = offset;
    installation.offset_text = formatOffset(offset);
    installation.ip_prefix = random.pick(prefixes.get(country.code)!.v4);
    rows.push({
      installation,
      metrics: product.draw(random, installation.os_family as Parameters<ProductSpec['draw']>[1]),
    });
  }
  const base = Object.keys(rows[0]?.installation ?? {});
  const metricNames = product.metrics.map((metric) => metric.name);
  const values = rows.map(
    ({ installation, metrics }) =>
      `(${[
        ...base.map((key) => sqlValue(installation[key as keyof Installation])),
        ...metricNames.map((name) => sqlValue(metrics[name] ?? null)),
      ].join(', ')})`,
  );
  await connection.run(`
    CREATE OR REPLACE TABLE ${installationsTable(product)} AS
    SELECT * FROM (VALUES ${values.join(',\n')}) v(${[...base, ...metricNames].join(', ')})`);
}

function drawInstallation(
  random: Random,
  product: ProductSpec,
  settings: InstallationSettings,
  index: number,
): Installation {
  const { firstDay, lastDay } = settings;
  const span = lastDay - firstDay + 1;
  const inSpan = () => firstDay + random.int(span);
  const kind = random.weighted([
    { value: 'long-lived', weight: 60 },
    { value: 'joins', weight: 12 },
    { value: 'leaves', weight: 10 },
    { value: 'joins-and-leaves', weight: 8 },
    { value: 'short-lived', weight: 10 }, // a test container that stayed up past the first hour
  ] as const);
  let first = firstDay - 1 - random.int(700);
  let last = lastDay + 1 + random.int(700);
  if (kind === 'joins' || kind === 'joins-and-leaves') first = inSpan();
  if (kind === 'leaves') last = inSpan();
  if (kind === 'joins-and-leaves') last = Math.min(lastDay, first + 7 + random.int(60));
  if (kind === 'short-lived') {
    first = inSpan();
    last = first + random.int(6);
  }
  const nonProduction = random.chance(kind === 'short-lived' ? 0.7 : 0.18);
  const versionIndex = product.versions.indexOf(
    random.weighted(product.versions.map((v) => ({ value: v, weight: v.weight }))),
  );
  const runFirst = Math.max(first, firstDay);
  const runLast = Math.min(last, lastDay);
  const upgrades = versionIndex < product.versions.length - 1 && runLast - runFirst > 8 && random.chance(0.35);
  const later = Math.min(product.versions.length - 1, versionIndex + 1 + random.int(3));
  return {
    installation_id: createHash('sha256')
      .update(`${settings.seed}:installation:${product.product}:${index}`)
      .digest('hex'),
    first_day: first,
    last_day: last,
    // Sent every 24 hours from the hour after start: about the same time each day.
    send_ms: random.int(86_400_000 - 10_000),
    offset_minutes: 0,
    offset_text: 'Z',
    ip_prefix: '',
    os_family: random.weighted(product.osFamilies),
    environment: nonProduction ? 'non-production' : 'production',
    version: product.versions[versionIndex]!.value,
    version_after: upgrades ? product.versions[later]!.value : null,
    upgrade_day: upgrades ? runFirst + 4 + random.int(runLast - runFirst - 7) : null,
    growth: random.chance(0.2) ? 0 : random.next() * 0.003,
  };
}

export interface SnapshotRows {
  seed: number;
  product: ProductSpec;
  /** A query yielding `file_id, epoch_day`: one file of this product per day. */
  source: string;
  /** The days the source covers (inclusive). */
  fromDay: number;
  toDay: number;
  /** First epoch day of the archive: metrics grow from there. */
  firstDay: number;
}

/**
 * One row per snapshot in neutral form (`file_id, epoch_day, utc_ms, seq, shown_minutes, shown_text` and
 * the fields, `metrics` a STRUCT); `fileSelect` with `snapshotColumns` turns them into a file.
 */
export function snapshotRowsSql(rows: SnapshotRows): string {
  const { seed, product } = rows;
  const age = `(i.epoch_day - ${rows.firstDay})`;
  const metric = (name: string, kind: string, type: string): string => {
    if (kind === 'fixed') return `"${name}"::${type}`;
    const grown = `"${name}" * (1 + growth::DOUBLE * ${age})`;
    if (kind === 'growing') return `round(${grown})::${type}`;
    return `round(${grown} * (0.8 + 0.4 * ${uniform(seed, `'${name}'`, 'installation_id', 'i.epoch_day')}))::${type}`;
  };
  // Generated from the installations' side, in table order: a file's rows need no sort to be repeatable.
  return `
    SELECT f.file_id, i.epoch_day,
      send_ms + (hash(${seed}, 'jitter', installation_id, i.epoch_day) % 5000)::BIGINT AS utc_ms,
      offset_minutes AS shown_minutes, offset_text AS shown_text,
      installation_id AS machine_id, ${quotedString(product.product)} AS product,
      CASE WHEN upgrade_day IS NOT NULL AND i.epoch_day >= upgrade_day THEN version_after ELSE version END AS product_version,
      os_family, environment, ip_prefix,
      struct_pack(${product.metrics.map((m) => `"${m.name}" := ${metric(m.name, m.kind, m.type)}`).join(', ')}) AS metrics
    FROM (
      SELECT *, unnest(range(greatest(first_day, ${rows.fromDay}), least(last_day, ${rows.toDay}) + 1)) AS epoch_day
      FROM ${installationsTable(product)}
    ) i
    JOIN (${rows.source}) f ON f.epoch_day = i.epoch_day
    WHERE ${uniform(seed, "'missed'", 'installation_id', 'i.epoch_day')} >= ${MISSED_DAY_SHARE}`;
}

export function snapshotColumns(format: FileFormat): Columns {
  return [
    ['timestamp', timestampSql(format)],
    ['machine_id', 'machine_id'],
    ['event', `'snapshot'`],
    ...['product', 'product_version', 'os_family', 'environment', 'ip_prefix', 'metrics'].map(
      (name) => [name, name] as const,
    ),
  ];
}
