// The `machines` table: one row per machine with its stable attributes (OS, runtime id, SDK, country, clock
// offset, environment). Rank 0 is the busiest machine; events pick ranks Zipf-like. Attributes are hashed
// from the rank, so activity and attributes are independent.
//
// Columns: rank, machine_id, os_family, os_version, runtime_id, sdk_version, sdk_after, upgrade_day (epoch
// day from which sdk_after is used), country, ip_prefix, offset_minutes, offset_text, environment,
// is_container, projects (how many project folders it works in: the cwd_hash values).

import type { DuckDBConnection } from '@duckdb/node-api';
import { COUNTRIES, PLANTED_COUNTRY_OFFSET, prefixWants } from './countries.js';
import { type CountryPrefixes, countryPrefixes } from './ip-prefixes.js';
import { choiceSql, createChoiceTable, hexId, offsetText, slot, sqlValue, uniform } from './sql.js';
import { CONTAINER_PLATFORMS, PLANTED, PLATFORMS, SDKS, sdkUpgrade, usesPortableRid } from './vocabulary.js';

export interface MachineSettings {
  seed: number;
  /** Regular machines, ranks 0 .. machines-1. */
  machines: number;
  /** Epoch days (days since 1970-01-01 UTC) the archive covers, inclusive: SDK upgrades fall inside. */
  firstDay: number;
  lastDay: number;
  /** Adds the planted machines after the regular ones (see PLANTED_RANKS). */
  planted: boolean;
}

/** Ranks of the planted machines, relative to the number of regular machines. */
export const PLANTED_RANKS = {
  singleMachineOs: 0,
  previewSdk: [1, 2],
  singleMachineCountry: 3,
} as const;
export const PLANTED_COUNT = 4;

const CONTAINER_SHARE = 0.12;
const SDK_UPGRADE_SHARE = 0.08;
const IPV6_SHARE = 0.06;

export async function createMachines(connection: DuckDBConnection, settings: MachineSettings): Promise<void> {
  const prefixes = await countryPrefixes(prefixWants());
  await createVocabularyTables(connection, prefixes);

  const { seed, machines, firstDay, lastDay } = settings;
  const span = Math.max(1, lastDay - firstDay + 1);
  const u = (name: string) => uniform(seed, `'${name}'`, 'rank');
  // A table, not range(): DuckDB scans tables in parallel, range() on one thread.
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE machine_ranks AS SELECT range::INTEGER AS rank FROM range(${machines})`,
  );
  await connection.run(`
    CREATE OR REPLACE TABLE machines AS
    WITH m AS (
      SELECT rank,
        ${u('container')} < ${CONTAINER_SHARE} AS is_container,
        ${slot(seed, "'platform'", 'rank')} AS platform_slot,
        ${slot(seed, "'sdk'", 'rank')} AS sdk_slot,
        ${slot(seed, "'country'", 'rank')} AS country_slot,
        hash(${seed}, 'prefix', rank) AS prefix_hash,
        hash(${seed}, 'offset', rank) AS offset_hash,
        ${u('v6')} AS v6_u, ${u('utc')} AS utc_u, ${u('environment')} AS environment_u,
        ${u('upgrade')} AS upgrade_u, hash(${seed}, 'upgrade_day', rank) AS upgrade_hash,
        -- Most machines work in one to three folders, CI agents in many.
        1 + least(30, floor(-ln(1 - ${u('projects')}) * 2.5))::INTEGER AS projects
      FROM machine_ranks
    ), picked AS (
      SELECT m.*, p.os_family, p.os_version, CASE WHEN s.portable THEN p.rid_portable ELSE p.rid_legacy END AS runtime_id,
        s.version AS sdk_version, s.upgrade_to, c.code AS country, c.v4_count, c.v6_count, c.offset_count,
        -- Containers and many Linux CI agents keep their clock on UTC.
        utc_u < CASE WHEN m.is_container THEN 1.0 WHEN p.os_family = 'Linux' THEN 0.35 ELSE 0.08 END AS utc_clock,
        upgrade_to IS NOT NULL AND upgrade_u < ${SDK_UPGRADE_SHARE} AS upgrades
      FROM m
      JOIN choice_platform p ON p.slot = m.platform_slot AND p.container = m.is_container
      JOIN choice_sdk s ON s.slot = m.sdk_slot
      JOIN choice_country c ON c.slot = m.country_slot
    ), placed AS (
      SELECT picked.*, x.prefix AS ip_prefix, o.minutes AS local_offset
      FROM picked
      JOIN country_prefixes x ON x.code = picked.country AND x.v6 = (v6_count > 0 AND v6_u < ${IPV6_SHARE})
        AND x.idx = (prefix_hash % CASE WHEN v6_count > 0 AND v6_u < ${IPV6_SHARE} THEN v6_count ELSE v4_count END)::INTEGER
      JOIN country_offsets o ON o.code = picked.country AND o.idx = (offset_hash % offset_count)::INTEGER
    )
    SELECT rank, ${hexId(seed, 'machine', 'rank::VARCHAR')} AS machine_id,
      os_family, os_version, runtime_id, sdk_version,
      CASE WHEN upgrades THEN upgrade_to END AS sdk_after,
      CASE WHEN upgrades THEN ${firstDay} + 1 + (upgrade_hash % ${Math.max(1, span - 2)})::INTEGER END AS upgrade_day,
      country, ip_prefix,
      CASE WHEN utc_clock THEN 0 ELSE local_offset END AS offset_minutes,
      ${offsetText('local_offset', 'utc_clock')} AS offset_text,
      CASE WHEN environment_u < CASE WHEN is_container THEN 0.3 ELSE 0.1 END THEN 'non-production' ELSE 'production' END
        AS environment,
      is_container, projects
    FROM placed
    -- Built on all threads: the order makes the table, and any join that probes it, the same every run.
    ORDER BY rank`);
  await connection.run(`DROP TABLE machine_ranks`);

  if (settings.planted) await addPlantedMachines(connection, settings, prefixes);
}

/** Common attributes except for the one value each planted machine makes rare. */
async function addPlantedMachines(
  connection: DuckDBConnection,
  settings: MachineSettings,
  prefixes: ReadonlyMap<string, CountryPrefixes>,
): Promise<void> {
  const { seed, machines } = settings;
  const usPrefix = prefixes.get('US')!.v4[0]!;
  const aqPrefix = prefixes.get(PLANTED.singleMachineCountry)!.v4[0]!;
  const common = {
    os_family: 'Windows',
    os_version: '10.0.22631',
    runtime_id: 'win-x64',
    sdk_version: '9.0.101',
    country: 'US',
  };
  const rows = [
    { rank: PLANTED_RANKS.singleMachineOs, ...common, ...plantedOs(), ip_prefix: usPrefix, offset: -300 },
    ...PLANTED_RANKS.previewSdk.map((rank) => ({
      rank,
      ...common,
      sdk_version: PLANTED.previewSdk,
      ip_prefix: usPrefix,
      offset: -480,
    })),
    {
      rank: PLANTED_RANKS.singleMachineCountry,
      ...common,
      country: PLANTED.singleMachineCountry,
      ip_prefix: aqPrefix,
      offset: PLANTED_COUNTRY_OFFSET,
    },
  ];
  const values = rows.map((row) =>
    [
      machines + row.rank,
      row.os_family,
      row.os_version,
      row.runtime_id,
      row.sdk_version,
      row.country,
      row.ip_prefix,
      row.offset,
    ]
      .map((value) => sqlValue(value))
      .join(', '),
  );
  await connection.run(`
    INSERT INTO machines
    SELECT rank, ${hexId(seed, 'machine', 'rank::VARCHAR')}, os_family, os_version, runtime_id, sdk_version, NULL, NULL,
      country, ip_prefix, offset_minutes, ${offsetText('offset_minutes', 'false')}, 'production', false, 2
    FROM (VALUES (${values.join('), (')})) v(rank, os_family, os_version, runtime_id, sdk_version, country, ip_prefix, offset_minutes)`);
}

function plantedOs(): { os_family: string; os_version: string; runtime_id: string } {
  const { osFamily, osVersion, runtimeId } = PLANTED.singleMachineOs;
  return { os_family: osFamily, os_version: osVersion, runtime_id: runtimeId };
}

async function createVocabularyTables(
  connection: DuckDBConnection,
  prefixes: ReadonlyMap<string, CountryPrefixes>,
): Promise<void> {
  const platform = (container: boolean) => (p: (typeof PLATFORMS)[number]) => ({
    weight: p.weight,
    values: {
      container,
      os_family: p.osFamily,
      os_version: p.osVersion,
      rid_portable: p.ridPortable,
      rid_legacy: p.ridLegacy,
    },
  });
  await connection.run(`
    CREATE OR REPLACE TABLE choice_platform AS
    ${choiceSql(PLATFORMS.map(platform(false)))} UNION ALL ${choiceSql(CONTAINER_PLATFORMS.map(platform(true)))}`);
  await createChoiceTable(
    connection,
    'choice_sdk',
    SDKS.map((sdk) => ({
      weight: sdk.weight,
      values: {
        version: sdk.version,
        upgrade_to: sdkUpgrade(sdk.version) ?? null,
        portable: usesPortableRid(sdk.version),
      },
    })),
  );
  await createChoiceTable(
    connection,
    'choice_country',
    COUNTRIES.map((country) => ({
      weight: country.weight,
      values: {
        code: country.code,
        v4_count: prefixes.get(country.code)?.v4.length ?? 0,
        v6_count: prefixes.get(country.code)?.v6.length ?? 0,
        offset_count: country.offsets.length,
      },
    })),
  );
  const prefixRows = [...prefixes.values()].flatMap((country) => [
    ...country.v4.map((prefix, idx) => `(${sqlValue(country.code)}, false, ${idx}, ${sqlValue(prefix)})`),
    ...country.v6.map((prefix, idx) => `(${sqlValue(country.code)}, true, ${idx}, ${sqlValue(prefix)})`),
  ]);
  const offsetRows = COUNTRIES.flatMap((country) =>
    country.offsets.map((minutes, idx) => `(${sqlValue(country.code)}, ${idx}, ${minutes})`),
  );
  await connection.run(`
    CREATE OR REPLACE TABLE country_prefixes AS
    SELECT code, v6, idx::INTEGER AS idx, prefix FROM (VALUES ${prefixRows.join(', ')}) v(code, v6, idx, prefix);
    CREATE OR REPLACE TABLE country_offsets AS
    SELECT code, idx::INTEGER AS idx, minutes::INTEGER AS minutes FROM (VALUES ${offsetRows.join(', ')}) v(code, idx, minutes);`);
}
