-- Every statement the engine runs for cli-usage, in order, as DuckDB receives it: the query, protect and
-- write stages (src/query, src/protect, src/write; the ingest stage comes before and is not shown).
-- Written by `npm run engine-sql` (tools/engine-sql.ts); test/engine/engine-sql.test.ts fails when it is stale.
-- Do not edit: change the .sql file beside the code (named in each statement's first comment) and rerun.
--
-- Shape: cli-usage built alone for 2026-Q3 (k and cap from its dataset.json) over the built-in archive
-- of tools/engine-sql.ts: 32 events on 2026-07-01, 12 events on 2026-07-15.
-- What depends on data is that archive's: label levels, key bit widths and masks, time batches, cleaned
-- values, secondary suppressions. A larger quarter runs the same statements, in more batches.
-- Datasets of one population (installations, feature-usage) are protected together in a run; built alone,
-- linked.sql's statements name one dataset. Parameters are listed above each statement; the run's work
-- folder is shown as <work>.

-- [1] $year = 2026, $quarter = 3, $label = "2026-Q3"
-- facts.sql: release_table
-- The published quarter, for dataset queries: `release(year, quarter, label)`.
CREATE OR REPLACE TABLE release AS SELECT $year::INTEGER AS year, $quarter::INTEGER AS quarter, $label::VARCHAR AS label;

-- [2] no parameters
SET allowed_directories = ['<work>/build/out/', '<work>/build/companions/'];
    SET enable_external_access = false;
    SET lock_configuration = true;

-- [3] no parameters
-- facts.sql: query_view
-- The dataset's query.sql as a view. A view cannot hold a bound parameter, and the query has none.
CREATE OR REPLACE TEMP VIEW "ds_cli_usage_query" AS -- cli-usage: .NET-CLI-style command telemetry, one fact per command invocation.
--
-- Reads the job's validated `events` table (one row per archived event) and the lookup `prefix_geo`
-- (country and continent of each truncated IP prefix). Opted-out machines were removed before this runs.
-- Whitelist: only the columns named in dataset.json are ever written; `machine_id` is the privacy unit
-- (used to count distinct machines, never published) and `continent` only feeds the Geography ladder.
-- The IP prefix itself and cwd_hash never leave this query. The job normalises every dimension value
-- (trimmed, Unknown when missing or empty, cleaned for TSV): the query returns them raw.
SELECT
  e.day                                          AS "Timestamp",
  e.machine_id                                   AS machine_id,
  e.command                                      AS "Command",
  g.country                                      AS "Geography",
  coalesce(g.continent, 'Unknown')               AS continent,
  e.os_family                                    AS "OSFamily",
  e.runtime_id                                   AS "RuntimeID",
  e.os_version                                   AS "OSVersion",
  e.sdk_version                                  AS "SDKVersion"
FROM events e
LEFT JOIN prefix_geo g USING (ip_prefix)
WHERE e.event = 'command'
  AND e.environment = 'production';

-- [4] no parameters
-- facts.sql: describe_query
DESCRIBE SELECT * FROM "ds_cli_usage_query";

-- [5] no parameters
-- facts.sql: create_facts
-- Empty, with the columns and types of the batches inserted below.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_facts" AS SELECT "Timestamp", "machine_id", coalesce(CAST("Command" AS VARCHAR), 'Unknown') AS "Command", coalesce(CAST("Geography" AS VARCHAR), 'Unknown') AS "Geography", "continent", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", coalesce(CAST("RuntimeID" AS VARCHAR), 'Unknown') AS "RuntimeID", coalesce(CAST("OSVersion" AS VARCHAR), 'Unknown') AS "OSVersion", coalesce(CAST("SDKVersion" AS VARCHAR), 'Unknown') AS "SDKVersion", 0::BIGINT AS _events FROM "ds_cli_usage_query" LIMIT 0;

-- [6] no parameters
-- facts.sql: insert_facts_days
-- One batch of days of a DATE time column: a range on the column's own type, so DuckDB skips the row
-- groups of other days. The days are DATE literals rendered by facts.ts, not parameters: measured on
-- 10M events (runs alternated on one database), bound days made these batches 20-40% slower.
INSERT INTO "ds_cli_usage_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("Command" AS VARCHAR), 'Unknown') AS "Command", coalesce(CAST("Geography" AS VARCHAR), 'Unknown') AS "Geography", "continent", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", coalesce(CAST("RuntimeID" AS VARCHAR), 'Unknown') AS "RuntimeID", coalesce(CAST("OSVersion" AS VARCHAR), 'Unknown') AS "OSVersion", coalesce(CAST("SDKVersion" AS VARCHAR), 'Unknown') AS "SDKVersion", count(*)::BIGINT FROM "ds_cli_usage_query"
  WHERE "Timestamp" BETWEEN DATE '2026-07-01' AND DATE '2026-07-07'
  GROUP BY ALL;

-- [7] no parameters
-- facts.sql: insert_facts_days
-- One batch of days of a DATE time column: a range on the column's own type, so DuckDB skips the row
-- groups of other days. The days are DATE literals rendered by facts.ts, not parameters: measured on
-- 10M events (runs alternated on one database), bound days made these batches 20-40% slower.
INSERT INTO "ds_cli_usage_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("Command" AS VARCHAR), 'Unknown') AS "Command", coalesce(CAST("Geography" AS VARCHAR), 'Unknown') AS "Geography", "continent", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", coalesce(CAST("RuntimeID" AS VARCHAR), 'Unknown') AS "RuntimeID", coalesce(CAST("OSVersion" AS VARCHAR), 'Unknown') AS "OSVersion", coalesce(CAST("SDKVersion" AS VARCHAR), 'Unknown') AS "SDKVersion", count(*)::BIGINT FROM "ds_cli_usage_query"
  WHERE "Timestamp" BETWEEN DATE '2026-07-08' AND DATE '2026-07-14'
  GROUP BY ALL;

-- [8] no parameters
-- facts.sql: insert_facts_days
-- One batch of days of a DATE time column: a range on the column's own type, so DuckDB skips the row
-- groups of other days. The days are DATE literals rendered by facts.ts, not parameters: measured on
-- 10M events (runs alternated on one database), bound days made these batches 20-40% slower.
INSERT INTO "ds_cli_usage_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("Command" AS VARCHAR), 'Unknown') AS "Command", coalesce(CAST("Geography" AS VARCHAR), 'Unknown') AS "Geography", "continent", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", coalesce(CAST("RuntimeID" AS VARCHAR), 'Unknown') AS "RuntimeID", coalesce(CAST("OSVersion" AS VARCHAR), 'Unknown') AS "OSVersion", coalesce(CAST("SDKVersion" AS VARCHAR), 'Unknown') AS "SDKVersion", count(*)::BIGINT FROM "ds_cli_usage_query"
  WHERE "Timestamp" BETWEEN DATE '2026-07-15' AND DATE '2026-07-21'
  GROUP BY ALL;

-- [9] no parameters
-- facts.sql: insert_facts_days
-- One batch of days of a DATE time column: a range on the column's own type, so DuckDB skips the row
-- groups of other days. The days are DATE literals rendered by facts.ts, not parameters: measured on
-- 10M events (runs alternated on one database), bound days made these batches 20-40% slower.
INSERT INTO "ds_cli_usage_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("Command" AS VARCHAR), 'Unknown') AS "Command", coalesce(CAST("Geography" AS VARCHAR), 'Unknown') AS "Geography", "continent", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", coalesce(CAST("RuntimeID" AS VARCHAR), 'Unknown') AS "RuntimeID", coalesce(CAST("OSVersion" AS VARCHAR), 'Unknown') AS "OSVersion", coalesce(CAST("SDKVersion" AS VARCHAR), 'Unknown') AS "SDKVersion", count(*)::BIGINT FROM "ds_cli_usage_query"
  WHERE "Timestamp" BETWEEN DATE '2026-07-22' AND DATE '2026-07-28'
  GROUP BY ALL;

-- [10] no parameters
-- facts.sql: insert_facts_days
-- One batch of days of a DATE time column: a range on the column's own type, so DuckDB skips the row
-- groups of other days. The days are DATE literals rendered by facts.ts, not parameters: measured on
-- 10M events (runs alternated on one database), bound days made these batches 20-40% slower.
INSERT INTO "ds_cli_usage_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("Command" AS VARCHAR), 'Unknown') AS "Command", coalesce(CAST("Geography" AS VARCHAR), 'Unknown') AS "Geography", "continent", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", coalesce(CAST("RuntimeID" AS VARCHAR), 'Unknown') AS "RuntimeID", coalesce(CAST("OSVersion" AS VARCHAR), 'Unknown') AS "OSVersion", coalesce(CAST("SDKVersion" AS VARCHAR), 'Unknown') AS "SDKVersion", count(*)::BIGINT FROM "ds_cli_usage_query"
  WHERE "Timestamp" BETWEEN DATE '2026-07-29' AND DATE '2026-08-04'
  GROUP BY ALL;

-- [11] no parameters
-- facts.sql: insert_facts_days
-- One batch of days of a DATE time column: a range on the column's own type, so DuckDB skips the row
-- groups of other days. The days are DATE literals rendered by facts.ts, not parameters: measured on
-- 10M events (runs alternated on one database), bound days made these batches 20-40% slower.
INSERT INTO "ds_cli_usage_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("Command" AS VARCHAR), 'Unknown') AS "Command", coalesce(CAST("Geography" AS VARCHAR), 'Unknown') AS "Geography", "continent", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", coalesce(CAST("RuntimeID" AS VARCHAR), 'Unknown') AS "RuntimeID", coalesce(CAST("OSVersion" AS VARCHAR), 'Unknown') AS "OSVersion", coalesce(CAST("SDKVersion" AS VARCHAR), 'Unknown') AS "SDKVersion", count(*)::BIGINT FROM "ds_cli_usage_query"
  WHERE "Timestamp" BETWEEN DATE '2026-08-05' AND DATE '2026-08-11'
  GROUP BY ALL;

-- [12] no parameters
-- facts.sql: insert_facts_days
-- One batch of days of a DATE time column: a range on the column's own type, so DuckDB skips the row
-- groups of other days. The days are DATE literals rendered by facts.ts, not parameters: measured on
-- 10M events (runs alternated on one database), bound days made these batches 20-40% slower.
INSERT INTO "ds_cli_usage_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("Command" AS VARCHAR), 'Unknown') AS "Command", coalesce(CAST("Geography" AS VARCHAR), 'Unknown') AS "Geography", "continent", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", coalesce(CAST("RuntimeID" AS VARCHAR), 'Unknown') AS "RuntimeID", coalesce(CAST("OSVersion" AS VARCHAR), 'Unknown') AS "OSVersion", coalesce(CAST("SDKVersion" AS VARCHAR), 'Unknown') AS "SDKVersion", count(*)::BIGINT FROM "ds_cli_usage_query"
  WHERE "Timestamp" BETWEEN DATE '2026-08-12' AND DATE '2026-08-18'
  GROUP BY ALL;

-- [13] no parameters
-- facts.sql: insert_facts_days
-- One batch of days of a DATE time column: a range on the column's own type, so DuckDB skips the row
-- groups of other days. The days are DATE literals rendered by facts.ts, not parameters: measured on
-- 10M events (runs alternated on one database), bound days made these batches 20-40% slower.
INSERT INTO "ds_cli_usage_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("Command" AS VARCHAR), 'Unknown') AS "Command", coalesce(CAST("Geography" AS VARCHAR), 'Unknown') AS "Geography", "continent", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", coalesce(CAST("RuntimeID" AS VARCHAR), 'Unknown') AS "RuntimeID", coalesce(CAST("OSVersion" AS VARCHAR), 'Unknown') AS "OSVersion", coalesce(CAST("SDKVersion" AS VARCHAR), 'Unknown') AS "SDKVersion", count(*)::BIGINT FROM "ds_cli_usage_query"
  WHERE "Timestamp" BETWEEN DATE '2026-08-19' AND DATE '2026-08-25'
  GROUP BY ALL;

-- [14] no parameters
-- facts.sql: insert_facts_days
-- One batch of days of a DATE time column: a range on the column's own type, so DuckDB skips the row
-- groups of other days. The days are DATE literals rendered by facts.ts, not parameters: measured on
-- 10M events (runs alternated on one database), bound days made these batches 20-40% slower.
INSERT INTO "ds_cli_usage_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("Command" AS VARCHAR), 'Unknown') AS "Command", coalesce(CAST("Geography" AS VARCHAR), 'Unknown') AS "Geography", "continent", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", coalesce(CAST("RuntimeID" AS VARCHAR), 'Unknown') AS "RuntimeID", coalesce(CAST("OSVersion" AS VARCHAR), 'Unknown') AS "OSVersion", coalesce(CAST("SDKVersion" AS VARCHAR), 'Unknown') AS "SDKVersion", count(*)::BIGINT FROM "ds_cli_usage_query"
  WHERE "Timestamp" BETWEEN DATE '2026-08-26' AND DATE '2026-09-01'
  GROUP BY ALL;

-- [15] no parameters
-- facts.sql: insert_facts_days
-- One batch of days of a DATE time column: a range on the column's own type, so DuckDB skips the row
-- groups of other days. The days are DATE literals rendered by facts.ts, not parameters: measured on
-- 10M events (runs alternated on one database), bound days made these batches 20-40% slower.
INSERT INTO "ds_cli_usage_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("Command" AS VARCHAR), 'Unknown') AS "Command", coalesce(CAST("Geography" AS VARCHAR), 'Unknown') AS "Geography", "continent", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", coalesce(CAST("RuntimeID" AS VARCHAR), 'Unknown') AS "RuntimeID", coalesce(CAST("OSVersion" AS VARCHAR), 'Unknown') AS "OSVersion", coalesce(CAST("SDKVersion" AS VARCHAR), 'Unknown') AS "SDKVersion", count(*)::BIGINT FROM "ds_cli_usage_query"
  WHERE "Timestamp" BETWEEN DATE '2026-09-02' AND DATE '2026-09-08'
  GROUP BY ALL;

-- [16] no parameters
-- facts.sql: insert_facts_days
-- One batch of days of a DATE time column: a range on the column's own type, so DuckDB skips the row
-- groups of other days. The days are DATE literals rendered by facts.ts, not parameters: measured on
-- 10M events (runs alternated on one database), bound days made these batches 20-40% slower.
INSERT INTO "ds_cli_usage_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("Command" AS VARCHAR), 'Unknown') AS "Command", coalesce(CAST("Geography" AS VARCHAR), 'Unknown') AS "Geography", "continent", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", coalesce(CAST("RuntimeID" AS VARCHAR), 'Unknown') AS "RuntimeID", coalesce(CAST("OSVersion" AS VARCHAR), 'Unknown') AS "OSVersion", coalesce(CAST("SDKVersion" AS VARCHAR), 'Unknown') AS "SDKVersion", count(*)::BIGINT FROM "ds_cli_usage_query"
  WHERE "Timestamp" BETWEEN DATE '2026-09-09' AND DATE '2026-09-15'
  GROUP BY ALL;

-- [17] no parameters
-- facts.sql: insert_facts_days
-- One batch of days of a DATE time column: a range on the column's own type, so DuckDB skips the row
-- groups of other days. The days are DATE literals rendered by facts.ts, not parameters: measured on
-- 10M events (runs alternated on one database), bound days made these batches 20-40% slower.
INSERT INTO "ds_cli_usage_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("Command" AS VARCHAR), 'Unknown') AS "Command", coalesce(CAST("Geography" AS VARCHAR), 'Unknown') AS "Geography", "continent", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", coalesce(CAST("RuntimeID" AS VARCHAR), 'Unknown') AS "RuntimeID", coalesce(CAST("OSVersion" AS VARCHAR), 'Unknown') AS "OSVersion", coalesce(CAST("SDKVersion" AS VARCHAR), 'Unknown') AS "SDKVersion", count(*)::BIGINT FROM "ds_cli_usage_query"
  WHERE "Timestamp" BETWEEN DATE '2026-09-16' AND DATE '2026-09-22'
  GROUP BY ALL;

-- [18] no parameters
-- facts.sql: insert_facts_days
-- One batch of days of a DATE time column: a range on the column's own type, so DuckDB skips the row
-- groups of other days. The days are DATE literals rendered by facts.ts, not parameters: measured on
-- 10M events (runs alternated on one database), bound days made these batches 20-40% slower.
INSERT INTO "ds_cli_usage_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("Command" AS VARCHAR), 'Unknown') AS "Command", coalesce(CAST("Geography" AS VARCHAR), 'Unknown') AS "Geography", "continent", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", coalesce(CAST("RuntimeID" AS VARCHAR), 'Unknown') AS "RuntimeID", coalesce(CAST("OSVersion" AS VARCHAR), 'Unknown') AS "OSVersion", coalesce(CAST("SDKVersion" AS VARCHAR), 'Unknown') AS "SDKVersion", count(*)::BIGINT FROM "ds_cli_usage_query"
  WHERE "Timestamp" BETWEEN DATE '2026-09-23' AND DATE '2026-09-29'
  GROUP BY ALL;

-- [19] no parameters
-- facts.sql: insert_facts_days
-- One batch of days of a DATE time column: a range on the column's own type, so DuckDB skips the row
-- groups of other days. The days are DATE literals rendered by facts.ts, not parameters: measured on
-- 10M events (runs alternated on one database), bound days made these batches 20-40% slower.
INSERT INTO "ds_cli_usage_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("Command" AS VARCHAR), 'Unknown') AS "Command", coalesce(CAST("Geography" AS VARCHAR), 'Unknown') AS "Geography", "continent", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", coalesce(CAST("RuntimeID" AS VARCHAR), 'Unknown') AS "RuntimeID", coalesce(CAST("OSVersion" AS VARCHAR), 'Unknown') AS "OSVersion", coalesce(CAST("SDKVersion" AS VARCHAR), 'Unknown') AS "SDKVersion", count(*)::BIGINT FROM "ds_cli_usage_query"
  WHERE "Timestamp" BETWEEN DATE '2026-09-30' AND DATE '2026-09-30'
  GROUP BY ALL;

-- [20] no parameters
-- facts.sql: insert_facts_outside_days
-- The last batch of a DATE time column: rows without a time (refused just after) and days outside the
-- quarter (literals, as above).
INSERT INTO "ds_cli_usage_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("Command" AS VARCHAR), 'Unknown') AS "Command", coalesce(CAST("Geography" AS VARCHAR), 'Unknown') AS "Geography", "continent", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", coalesce(CAST("RuntimeID" AS VARCHAR), 'Unknown') AS "RuntimeID", coalesce(CAST("OSVersion" AS VARCHAR), 'Unknown') AS "OSVersion", coalesce(CAST("SDKVersion" AS VARCHAR), 'Unknown') AS "SDKVersion", count(*)::BIGINT FROM "ds_cli_usage_query"
  WHERE "Timestamp" IS NULL OR "Timestamp" NOT BETWEEN DATE '2026-07-01' AND DATE '2026-09-30'
  GROUP BY ALL;

-- [21] no parameters
-- facts.sql: count_untimed
SELECT count(*)::BIGINT AS n FROM "ds_cli_usage_facts" WHERE "Timestamp" IS NULL;

-- [22] no parameters
-- contract.sql: foreign_machines
-- Machine ids of the facts that are no machine of the archive.
SELECT count(*)::BIGINT AS n FROM (SELECT DISTINCT machine_id FROM "ds_cli_usage_facts") ANTI JOIN "archive_machines" USING (machine_id);

-- [23] no parameters
-- facts.sql: unclean_values
-- Every dimension's distinct values in one scan: one grouping set per column, in which the other columns
-- are NULL (facts never hold a NULL dimension); the set's GROUPING_ID says which column a value is of.
-- Only the values that normalise to another text come back.
SELECT position, raw, (CASE WHEN left(coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown'), 1) IN ('=', '+', '-', '@') THEN '''' || coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown') ELSE coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown') END) AS clean FROM (
  SELECT CASE GROUPING_ID("Command", "Geography", "OSFamily", "RuntimeID", "OSVersion", "SDKVersion")
           WHEN 31 THEN 0 /* "Command" */
           WHEN 47 THEN 1 /* "Geography" */
           WHEN 55 THEN 2 /* "OSFamily" */
           WHEN 59 THEN 3 /* "RuntimeID" */
           WHEN 61 THEN 4 /* "OSVersion" */
           WHEN 62 THEN 5 /* "SDKVersion" */
         END AS position,
         coalesce("Command", "Geography", "OSFamily", "RuntimeID", "OSVersion", "SDKVersion") AS raw
  FROM "ds_cli_usage_facts" GROUP BY GROUPING SETS (("Command"), ("Geography"), ("OSFamily"), ("RuntimeID"), ("OSVersion"), ("SDKVersion")))
WHERE clean <> raw;

-- [24] $touched_0 = [" build ","build"]
-- facts.sql: regroup_cleaned
-- The facts holding a value that changes, or the value it changes to, are normalised and regrouped, so
-- facts stay distinct over their columns. $touched_<n> lists the raw and clean values of dimension n.
CREATE OR REPLACE TEMP TABLE _cleaned AS
  SELECT * EXCLUDE (_events) REPLACE ((CASE WHEN left(coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("Command" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("Command" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("Command" AS VARCHAR) END), '"', '''')), ''), 'Unknown'), 1) IN ('=', '+', '-', '@') THEN '''' || coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("Command" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("Command" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("Command" AS VARCHAR) END), '"', '''')), ''), 'Unknown') ELSE coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("Command" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("Command" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("Command" AS VARCHAR) END), '"', '''')), ''), 'Unknown') END) AS "Command", (CASE WHEN left(coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("Geography" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("Geography" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("Geography" AS VARCHAR) END), '"', '''')), ''), 'Unknown'), 1) IN ('=', '+', '-', '@') THEN '''' || coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("Geography" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("Geography" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("Geography" AS VARCHAR) END), '"', '''')), ''), 'Unknown') ELSE coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("Geography" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("Geography" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("Geography" AS VARCHAR) END), '"', '''')), ''), 'Unknown') END) AS "Geography", (CASE WHEN left(coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("OSFamily" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("OSFamily" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("OSFamily" AS VARCHAR) END), '"', '''')), ''), 'Unknown'), 1) IN ('=', '+', '-', '@') THEN '''' || coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("OSFamily" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("OSFamily" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("OSFamily" AS VARCHAR) END), '"', '''')), ''), 'Unknown') ELSE coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("OSFamily" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("OSFamily" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("OSFamily" AS VARCHAR) END), '"', '''')), ''), 'Unknown') END) AS "OSFamily", (CASE WHEN left(coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("RuntimeID" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("RuntimeID" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("RuntimeID" AS VARCHAR) END), '"', '''')), ''), 'Unknown'), 1) IN ('=', '+', '-', '@') THEN '''' || coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("RuntimeID" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("RuntimeID" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("RuntimeID" AS VARCHAR) END), '"', '''')), ''), 'Unknown') ELSE coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("RuntimeID" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("RuntimeID" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("RuntimeID" AS VARCHAR) END), '"', '''')), ''), 'Unknown') END) AS "RuntimeID", (CASE WHEN left(coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("OSVersion" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("OSVersion" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("OSVersion" AS VARCHAR) END), '"', '''')), ''), 'Unknown'), 1) IN ('=', '+', '-', '@') THEN '''' || coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("OSVersion" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("OSVersion" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("OSVersion" AS VARCHAR) END), '"', '''')), ''), 'Unknown') ELSE coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("OSVersion" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("OSVersion" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("OSVersion" AS VARCHAR) END), '"', '''')), ''), 'Unknown') END) AS "OSVersion", (CASE WHEN left(coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("SDKVersion" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("SDKVersion" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("SDKVersion" AS VARCHAR) END), '"', '''')), ''), 'Unknown'), 1) IN ('=', '+', '-', '@') THEN '''' || coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("SDKVersion" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("SDKVersion" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("SDKVersion" AS VARCHAR) END), '"', '''')), ''), 'Unknown') ELSE coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("SDKVersion" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("SDKVersion" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("SDKVersion" AS VARCHAR) END), '"', '''')), ''), 'Unknown') END) AS "SDKVersion"), sum(_events)::BIGINT AS _events
  FROM "ds_cli_usage_facts" WHERE list_contains($touched_0, "Command") GROUP BY ALL;
DELETE FROM "ds_cli_usage_facts" WHERE list_contains($touched_0, "Command");
INSERT INTO "ds_cli_usage_facts" BY NAME SELECT * FROM _cleaned;
DROP TABLE _cleaned;

-- [25] $daily_cap = 1000
-- contribution.sql: over_bound
-- The (day, machine) pairs over the bound, with their total.
CREATE OR REPLACE TEMP TABLE "_over_daily_bound" AS
  SELECT "Timestamp" AS _time, machine_id, sum(_events) AS _total FROM "ds_cli_usage_facts" GROUP BY ALL HAVING sum(_events) > $daily_cap;

-- [26] no parameters
-- contribution.sql: count_over
SELECT count(*)::BIGINT AS n FROM "_over_daily_bound";

-- [27] no parameters
-- contribution.sql: drop_over
DROP TABLE "_over_daily_bound";

-- [28] no parameters
-- labels.sql: fact_columns
DESCRIBE "ds_cli_usage_facts";

-- [29] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_0_values" AS
  SELECT "Command" AS _value, $other::VARCHAR AS l1,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "Command" FROM "ds_cli_usage_facts") GROUP BY ALL;

-- [30] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_0" AS
  SELECT "Command" AS _value, "Command" AS _label, 0 AS _level
  FROM "ds_cli_usage_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_0_vm" AS
  SELECT DISTINCT f."Command" AS _value, f.machine_id FROM "ds_cli_usage_facts" f
  ANTI JOIN "ds_cli_usage_label_0" t ON t._value = f."Command";
INSERT INTO "ds_cli_usage_label_0"
  SELECT _value, _value, 0 FROM "ds_cli_usage_label_0_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [31] $level = 1
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_label_0_values" v ANTI JOIN "ds_cli_usage_label_0" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l1 FROM unresolved;
INSERT INTO "ds_cli_usage_label_0"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [32] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_cli_usage_label_0_values";

-- [33] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_cli_usage_label_0_values"; DROP TABLE "ds_cli_usage_label_0_vm";

-- [34] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_cli_usage_label_0" GROUP BY _level ORDER BY _level;

-- [35] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_1_values" AS
  SELECT "Geography" AS _value, min(coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((continent) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((continent) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((continent) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((continent) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((continent) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((continent) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((continent) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((continent) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((continent) AS VARCHAR) END), '"', '''') END), ''), 'Other')) AS l1, $other::VARCHAR AS l2,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "Geography", "continent" FROM "ds_cli_usage_facts") GROUP BY ALL;

-- [36] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_1" AS
  SELECT "Geography" AS _value, "Geography" AS _label, 0 AS _level
  FROM "ds_cli_usage_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_1_vm" AS
  SELECT DISTINCT f."Geography" AS _value, f.machine_id FROM "ds_cli_usage_facts" f
  ANTI JOIN "ds_cli_usage_label_1" t ON t._value = f."Geography";
INSERT INTO "ds_cli_usage_label_1"
  SELECT _value, _value, 0 FROM "ds_cli_usage_label_1_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [37] $k = 10, $level = 1
-- labels.sql: ladder_level
-- Ladder level $level: the values still without a label climb together; a level label with k machines
-- (counted over the values that climbed to it) is theirs.
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_label_1_values" v ANTI JOIN "ds_cli_usage_label_1" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS
  SELECT u.l1 FROM unresolved u
  JOIN "ds_cli_usage_label_1_vm" vm ON vm._value = u._value
  GROUP BY ALL HAVING count(DISTINCT vm.machine_id) >= $k;
INSERT INTO "ds_cli_usage_label_1"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [38] $level = 2
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_label_1_values" v ANTI JOIN "ds_cli_usage_label_1" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l2 FROM unresolved;
INSERT INTO "ds_cli_usage_label_1"
  SELECT u._value, u.l2, $level
  FROM unresolved u SEMI JOIN passing p USING (l2);
DROP TABLE unresolved; DROP TABLE passing;

-- [39] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_cli_usage_label_1_values";

-- [40] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_cli_usage_label_1_values"; DROP TABLE "ds_cli_usage_label_1_vm";

-- [41] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_cli_usage_label_1" GROUP BY _level ORDER BY _level;

-- [42] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_2_values" AS
  SELECT "OSFamily" AS _value, $other::VARCHAR AS l1,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "OSFamily" FROM "ds_cli_usage_facts") GROUP BY ALL;

-- [43] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_2" AS
  SELECT "OSFamily" AS _value, "OSFamily" AS _label, 0 AS _level
  FROM "ds_cli_usage_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_2_vm" AS
  SELECT DISTINCT f."OSFamily" AS _value, f.machine_id FROM "ds_cli_usage_facts" f
  ANTI JOIN "ds_cli_usage_label_2" t ON t._value = f."OSFamily";
INSERT INTO "ds_cli_usage_label_2"
  SELECT _value, _value, 0 FROM "ds_cli_usage_label_2_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [44] $level = 1
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_label_2_values" v ANTI JOIN "ds_cli_usage_label_2" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l1 FROM unresolved;
INSERT INTO "ds_cli_usage_label_2"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [45] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_cli_usage_label_2_values";

-- [46] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_cli_usage_label_2_values"; DROP TABLE "ds_cli_usage_label_2_vm";

-- [47] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_cli_usage_label_2" GROUP BY _level ORDER BY _level;

-- [48] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_3_values" AS
  SELECT "RuntimeID" AS _value, min(coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR) END), '"', '''') END), ''), 'Other')) AS l1, $other::VARCHAR AS l2,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "RuntimeID" FROM "ds_cli_usage_facts") GROUP BY ALL;

-- [49] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_3" AS
  SELECT "RuntimeID" AS _value, "RuntimeID" AS _label, 0 AS _level
  FROM "ds_cli_usage_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_3_vm" AS
  SELECT DISTINCT f."RuntimeID" AS _value, f.machine_id FROM "ds_cli_usage_facts" f
  ANTI JOIN "ds_cli_usage_label_3" t ON t._value = f."RuntimeID";
INSERT INTO "ds_cli_usage_label_3"
  SELECT _value, _value, 0 FROM "ds_cli_usage_label_3_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [50] $k = 10, $level = 1
-- labels.sql: ladder_level
-- Ladder level $level: the values still without a label climb together; a level label with k machines
-- (counted over the values that climbed to it) is theirs.
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_label_3_values" v ANTI JOIN "ds_cli_usage_label_3" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS
  SELECT u.l1 FROM unresolved u
  JOIN "ds_cli_usage_label_3_vm" vm ON vm._value = u._value
  GROUP BY ALL HAVING count(DISTINCT vm.machine_id) >= $k;
INSERT INTO "ds_cli_usage_label_3"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [51] $level = 2
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_label_3_values" v ANTI JOIN "ds_cli_usage_label_3" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l2 FROM unresolved;
INSERT INTO "ds_cli_usage_label_3"
  SELECT u._value, u.l2, $level
  FROM unresolved u SEMI JOIN passing p USING (l2);
DROP TABLE unresolved; DROP TABLE passing;

-- [52] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_cli_usage_label_3_values";

-- [53] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_cli_usage_label_3_values"; DROP TABLE "ds_cli_usage_label_3_vm";

-- [54] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_cli_usage_label_3" GROUP BY _level ORDER BY _level;

-- [55] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_4_values" AS
  SELECT "OSVersion" AS _value, min(coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR) END), '"', '''') END), ''), coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') END), ''), 'Other'))) AS l1, min(coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') END), ''), 'Other')) AS l2, $other::VARCHAR AS l3,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "OSVersion" FROM "ds_cli_usage_facts") GROUP BY ALL;

-- [56] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_4" AS
  SELECT "OSVersion" AS _value, "OSVersion" AS _label, 0 AS _level
  FROM "ds_cli_usage_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_4_vm" AS
  SELECT DISTINCT f."OSVersion" AS _value, f.machine_id FROM "ds_cli_usage_facts" f
  ANTI JOIN "ds_cli_usage_label_4" t ON t._value = f."OSVersion";
INSERT INTO "ds_cli_usage_label_4"
  SELECT _value, _value, 0 FROM "ds_cli_usage_label_4_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [57] $k = 10, $level = 1
-- labels.sql: ladder_level
-- Ladder level $level: the values still without a label climb together; a level label with k machines
-- (counted over the values that climbed to it) is theirs.
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_label_4_values" v ANTI JOIN "ds_cli_usage_label_4" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS
  SELECT u.l1 FROM unresolved u
  JOIN "ds_cli_usage_label_4_vm" vm ON vm._value = u._value
  GROUP BY ALL HAVING count(DISTINCT vm.machine_id) >= $k;
INSERT INTO "ds_cli_usage_label_4"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [58] $k = 10, $level = 2
-- labels.sql: ladder_level
-- Ladder level $level: the values still without a label climb together; a level label with k machines
-- (counted over the values that climbed to it) is theirs.
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_label_4_values" v ANTI JOIN "ds_cli_usage_label_4" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS
  SELECT u.l2 FROM unresolved u
  JOIN "ds_cli_usage_label_4_vm" vm ON vm._value = u._value
  GROUP BY ALL HAVING count(DISTINCT vm.machine_id) >= $k;
INSERT INTO "ds_cli_usage_label_4"
  SELECT u._value, u.l2, $level
  FROM unresolved u SEMI JOIN passing p USING (l2);
DROP TABLE unresolved; DROP TABLE passing;

-- [59] $level = 3
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_label_4_values" v ANTI JOIN "ds_cli_usage_label_4" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l3 FROM unresolved;
INSERT INTO "ds_cli_usage_label_4"
  SELECT u._value, u.l3, $level
  FROM unresolved u SEMI JOIN passing p USING (l3);
DROP TABLE unresolved; DROP TABLE passing;

-- [60] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_cli_usage_label_4_values";

-- [61] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_cli_usage_label_4_values"; DROP TABLE "ds_cli_usage_label_4_vm";

-- [62] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_cli_usage_label_4" GROUP BY _level ORDER BY _level;

-- [63] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_5_values" AS
  SELECT "SDKVersion" AS _value, min(coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR) END), '"', '''') END), ''), coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') END), ''), 'Other'))) AS l1, min(coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') END), ''), 'Other')) AS l2, $other::VARCHAR AS l3,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "SDKVersion" FROM "ds_cli_usage_facts") GROUP BY ALL;

-- [64] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_5" AS
  SELECT "SDKVersion" AS _value, "SDKVersion" AS _label, 0 AS _level
  FROM "ds_cli_usage_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_5_vm" AS
  SELECT DISTINCT f."SDKVersion" AS _value, f.machine_id FROM "ds_cli_usage_facts" f
  ANTI JOIN "ds_cli_usage_label_5" t ON t._value = f."SDKVersion";
INSERT INTO "ds_cli_usage_label_5"
  SELECT _value, _value, 0 FROM "ds_cli_usage_label_5_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [65] $k = 10, $level = 1
-- labels.sql: ladder_level
-- Ladder level $level: the values still without a label climb together; a level label with k machines
-- (counted over the values that climbed to it) is theirs.
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_label_5_values" v ANTI JOIN "ds_cli_usage_label_5" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS
  SELECT u.l1 FROM unresolved u
  JOIN "ds_cli_usage_label_5_vm" vm ON vm._value = u._value
  GROUP BY ALL HAVING count(DISTINCT vm.machine_id) >= $k;
INSERT INTO "ds_cli_usage_label_5"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [66] $k = 10, $level = 2
-- labels.sql: ladder_level
-- Ladder level $level: the values still without a label climb together; a level label with k machines
-- (counted over the values that climbed to it) is theirs.
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_label_5_values" v ANTI JOIN "ds_cli_usage_label_5" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS
  SELECT u.l2 FROM unresolved u
  JOIN "ds_cli_usage_label_5_vm" vm ON vm._value = u._value
  GROUP BY ALL HAVING count(DISTINCT vm.machine_id) >= $k;
INSERT INTO "ds_cli_usage_label_5"
  SELECT u._value, u.l2, $level
  FROM unresolved u SEMI JOIN passing p USING (l2);
DROP TABLE unresolved; DROP TABLE passing;

-- [67] $level = 3
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_label_5_values" v ANTI JOIN "ds_cli_usage_label_5" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l3 FROM unresolved;
INSERT INTO "ds_cli_usage_label_5"
  SELECT u._value, u.l3, $level
  FROM unresolved u SEMI JOIN passing p USING (l3);
DROP TABLE unresolved; DROP TABLE passing;

-- [68] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_cli_usage_label_5_values";

-- [69] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_cli_usage_label_5_values"; DROP TABLE "ds_cli_usage_label_5_vm";

-- [70] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_cli_usage_label_5" GROUP BY _level ORDER BY _level;

-- [71] no parameters
-- cells.sql: time_codes
-- Every value of the time column gets a code in its order: batches are ranges of codes.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_time_codes" AS
  SELECT (row_number() OVER (ORDER BY _value) - 1)::BIGINT AS _code, _value, _value::VARCHAR AS _text
  FROM (SELECT DISTINCT "Timestamp" AS _value FROM "ds_cli_usage_facts");

-- [72] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_0_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_cli_usage_label_0" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_0" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_cli_usage_label_0" l JOIN "ds_cli_usage_label_0_codes" c ON c._text = l._label;

-- [73] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_1_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_cli_usage_label_1" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_1" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_cli_usage_label_1" l JOIN "ds_cli_usage_label_1_codes" c ON c._text = l._label;

-- [74] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_2_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_cli_usage_label_2" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_2" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_cli_usage_label_2" l JOIN "ds_cli_usage_label_2_codes" c ON c._text = l._label;

-- [75] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_3_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_cli_usage_label_3" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_3" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_cli_usage_label_3" l JOIN "ds_cli_usage_label_3_codes" c ON c._text = l._label;

-- [76] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_4_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_cli_usage_label_4" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_4" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_cli_usage_label_4" l JOIN "ds_cli_usage_label_4_codes" c ON c._text = l._label;

-- [77] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_5_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_cli_usage_label_5" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_5" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_cli_usage_label_5" l JOIN "ds_cli_usage_label_5_codes" c ON c._text = l._label;

-- [78] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_label_5_codes";

-- [79] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_label_4_codes";

-- [80] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_label_3_codes";

-- [81] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_label_2_codes";

-- [82] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_label_1_codes";

-- [83] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_label_0_codes";

-- [84] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_time_codes";

-- [85] no parameters
-- cells.sql: count_time_codes
SELECT count(*)::BIGINT AS n FROM "ds_cli_usage_time_codes";

-- [86] $k = 10, $cap = 100, $shift_time = 7, $shift_0 = 5, $shift_1 = 4, $shift_2 = 3, $shift_3 = 2, $shift_4 = 1, $shift_5 = 0, $name_0 = "SDKVersion", $mask_0 = "254", $name_1 = "OSVersion", $mask_1 = "253", $name_2 = "RuntimeID", $mask_2 = "251", $name_3 = "Command", $mask_3 = "159", $name_4 = "Geography", $mask_4 = "239", $name_5 = "OSFamily", $mask_5 = "247", $first_code = 0, $last_code = 1
-- cells.sql: remainder_order
-- What each dimension keeps when it is rolled first (remainderOrder in cells.ts), over one batch of time
-- codes ($first_code .. $last_code; rows never span two times, so the quarter's figure is the sum over
-- batches, and memory stays that of one batch): `pairs` is every (key, machine) pair at full labels with its measure,
-- `cells` its rows, `under` those under k. Rolling dimension d alone turns an under-k row into a published
-- one when its key with d cleared to "Other" ($mask_<d>) is a row already kept, or gathers k machines
-- among the under-k rows' pairs. Per dimension: the measure of the rows it so publishes with every other label exact.
WITH labelled AS MATERIALIZED (
    SELECT (t._code::BIGINT << $shift_time) /* Timestamp */
             | (l0._code::BIGINT << $shift_0) /* Command */
             | (l1._code::BIGINT << $shift_1) /* Geography */
             | (l2._code::BIGINT << $shift_2) /* OSFamily */
             | (l3._code::BIGINT << $shift_3) /* RuntimeID */
             | (l4._code::BIGINT << $shift_4) /* OSVersion */
             | (l5._code::BIGINT << $shift_5) /* SDKVersion */ AS _key, f.machine_id, f._events
    FROM "ds_cli_usage_facts" f
    JOIN "ds_cli_usage_time_codes" t ON t._value = f."Timestamp"
    JOIN "ds_cli_usage_label_0" l0 ON l0._value = f."Command"
    JOIN "ds_cli_usage_label_1" l1 ON l1._value = f."Geography"
    JOIN "ds_cli_usage_label_2" l2 ON l2._value = f."OSFamily"
    JOIN "ds_cli_usage_label_3" l3 ON l3._value = f."RuntimeID"
    JOIN "ds_cli_usage_label_4" l4 ON l4._value = f."OSVersion"
    JOIN "ds_cli_usage_label_5" l5 ON l5._value = f."SDKVersion"
    WHERE t._code BETWEEN $first_code AND $last_code),
  pairs AS MATERIALIZED (
    SELECT _key, machine_id, sum(_events)::BIGINT AS _events FROM labelled GROUP BY _key, machine_id),
  cells AS MATERIALIZED (
    SELECT _key, count(*) AS _machines, sum(least(_events, $cap::BIGINT))::BIGINT AS _value FROM pairs GROUP BY _key),
  under AS MATERIALIZED (
    SELECT _key, _value FROM cells WHERE _machines < $k),
  under_pairs AS MATERIALIZED (
    SELECT _key, machine_id FROM pairs SEMI JOIN under USING (_key))
  -- cells.sql: kept_if_rolled_first
-- One dimension's part of remainder_order: SDKVersion.
SELECT $name_0::VARCHAR AS _dimension, coalesce(sum(u._value), 0)::BIGINT AS _kept
  FROM under u
  WHERE (u._key & $mask_0::BIGINT) IN (
    SELECT _key FROM cells WHERE _machines >= $k AND _key = _key & $mask_0::BIGINT
    UNION ALL
    SELECT _key & $mask_0::BIGINT FROM under_pairs GROUP BY 1 HAVING count(DISTINCT machine_id) >= $k)
  UNION ALL
  -- cells.sql: kept_if_rolled_first
-- One dimension's part of remainder_order: OSVersion.
SELECT $name_1::VARCHAR AS _dimension, coalesce(sum(u._value), 0)::BIGINT AS _kept
  FROM under u
  WHERE (u._key & $mask_1::BIGINT) IN (
    SELECT _key FROM cells WHERE _machines >= $k AND _key = _key & $mask_1::BIGINT
    UNION ALL
    SELECT _key & $mask_1::BIGINT FROM under_pairs GROUP BY 1 HAVING count(DISTINCT machine_id) >= $k)
  UNION ALL
  -- cells.sql: kept_if_rolled_first
-- One dimension's part of remainder_order: RuntimeID.
SELECT $name_2::VARCHAR AS _dimension, coalesce(sum(u._value), 0)::BIGINT AS _kept
  FROM under u
  WHERE (u._key & $mask_2::BIGINT) IN (
    SELECT _key FROM cells WHERE _machines >= $k AND _key = _key & $mask_2::BIGINT
    UNION ALL
    SELECT _key & $mask_2::BIGINT FROM under_pairs GROUP BY 1 HAVING count(DISTINCT machine_id) >= $k)
  UNION ALL
  -- cells.sql: kept_if_rolled_first
-- One dimension's part of remainder_order: Command.
SELECT $name_3::VARCHAR AS _dimension, coalesce(sum(u._value), 0)::BIGINT AS _kept
  FROM under u
  WHERE (u._key & $mask_3::BIGINT) IN (
    SELECT _key FROM cells WHERE _machines >= $k AND _key = _key & $mask_3::BIGINT
    UNION ALL
    SELECT _key & $mask_3::BIGINT FROM under_pairs GROUP BY 1 HAVING count(DISTINCT machine_id) >= $k)
  UNION ALL
  -- cells.sql: kept_if_rolled_first
-- One dimension's part of remainder_order: Geography.
SELECT $name_4::VARCHAR AS _dimension, coalesce(sum(u._value), 0)::BIGINT AS _kept
  FROM under u
  WHERE (u._key & $mask_4::BIGINT) IN (
    SELECT _key FROM cells WHERE _machines >= $k AND _key = _key & $mask_4::BIGINT
    UNION ALL
    SELECT _key & $mask_4::BIGINT FROM under_pairs GROUP BY 1 HAVING count(DISTINCT machine_id) >= $k)
  UNION ALL
  -- cells.sql: kept_if_rolled_first
-- One dimension's part of remainder_order: OSFamily.
SELECT $name_5::VARCHAR AS _dimension, coalesce(sum(u._value), 0)::BIGINT AS _kept
  FROM under u
  WHERE (u._key & $mask_5::BIGINT) IN (
    SELECT _key FROM cells WHERE _machines >= $k AND _key = _key & $mask_5::BIGINT
    UNION ALL
    SELECT _key & $mask_5::BIGINT FROM under_pairs GROUP BY 1 HAVING count(DISTINCT machine_id) >= $k)
ORDER BY _dimension;

-- [87] no parameters
-- cells.sql: cell_tables
-- The packed record (which machine's events went into which row, by key), the rows, and the record with
-- the row's key spelled out. TEMP  keeps the record out of the database file unless a revision
-- will ATTACH it. Table definitions take no parameters.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_assigned_packed" (_key BIGINT, machine_id UBIGINT, _events BIGINT, _stage TINYINT);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_rows" ("Timestamp" VARCHAR, "Command" VARCHAR, "Geography" VARCHAR, "OSFamily" VARCHAR, "RuntimeID" VARCHAR, "OSVersion" VARCHAR, "SDKVersion" VARCHAR, _key BIGINT, _value BIGINT, _machines BIGINT, _raw_events BIGINT, _stage INTEGER, _published BOOLEAN, _secondary BOOLEAN DEFAULT false);
CREATE OR REPLACE TEMP VIEW "ds_cli_usage_assigned" AS
  SELECT r."Timestamp", r."Command", r."Geography", r."OSFamily", r."RuntimeID", r."OSVersion", r."SDKVersion", a.machine_id, a._events, a._stage::INTEGER AS _stage
  FROM "ds_cli_usage_assigned_packed" a JOIN "ds_cli_usage_rows" r USING (_key);

-- [88] no parameters
-- cells.sql: count_time_codes
SELECT count(*)::BIGINT AS n FROM "ds_cli_usage_time_codes";

-- [89] $first_code = 0, $last_code = 1, $k = 10, $stage_detail = 0, $stage_generalised = 1, $stage_remainder = 2, $step1_mask = "159", $step2_mask = "143", $step3_mask = "135", $step4_mask = "133", $step5_mask = "129", $step6_mask = "128", $shift_time = 7, $shift_0 = 5, $shift_1 = 4, $shift_2 = 3, $shift_3 = 2, $shift_4 = 1, $shift_5 = 0
-- cells.sql: batch_pairs
-- One batch of time codes ($first_code .. $last_code), from facts to every (key, machine) pair in its final
-- row. `labelled`: the facts with their quarter-wide labels as one key. `pairs0`: facts can share a pair
-- only through a label several values share, so only those are grouped (grouping all of them was a third
-- of the cell stage). Then the remainder steps, and `settled`: every pair of every step that stopped
-- moving; `merged`: the keys kept at one step that received pairs again at a later one, regrouped here.
INSERT INTO "ds_cli_usage_assigned_packed"
  WITH labelled AS MATERIALIZED (
    SELECT (t._code::BIGINT << $shift_time) /* Timestamp */
             | (l0._code::BIGINT << $shift_0) /* Command */
             | (l1._code::BIGINT << $shift_1) /* Geography */
             | (l2._code::BIGINT << $shift_2) /* OSFamily */
             | (l3._code::BIGINT << $shift_3) /* RuntimeID */
             | (l4._code::BIGINT << $shift_4) /* OSVersion */
             | (l5._code::BIGINT << $shift_5) /* SDKVersion */ AS _key, f.machine_id, f._events,
           (CASE WHEN l0._level > 0 OR l1._level > 0 OR l2._level > 0 OR l3._level > 0 OR l4._level > 0 OR l5._level > 0 THEN $stage_generalised ELSE $stage_detail END)::TINYINT AS _stage,
           l0._shared OR l1._shared OR l2._shared OR l3._shared OR l4._shared OR l5._shared AS _shared
    FROM "ds_cli_usage_facts" f
    JOIN "ds_cli_usage_time_codes" t ON t._value = f."Timestamp"
    JOIN "ds_cli_usage_label_0" l0 ON l0._value = f."Command"
    JOIN "ds_cli_usage_label_1" l1 ON l1._value = f."Geography"
    JOIN "ds_cli_usage_label_2" l2 ON l2._value = f."OSFamily"
    JOIN "ds_cli_usage_label_3" l3 ON l3._value = f."RuntimeID"
    JOIN "ds_cli_usage_label_4" l4 ON l4._value = f."OSVersion"
    JOIN "ds_cli_usage_label_5" l5 ON l5._value = f."SDKVersion"
    WHERE t._code BETWEEN $first_code AND $last_code),
  pairs0 AS MATERIALIZED (
    SELECT _key, machine_id, _events, _stage FROM labelled WHERE NOT _shared
    UNION ALL
    SELECT _key, machine_id, sum(_events)::BIGINT, max(_stage)::TINYINT FROM labelled WHERE _shared GROUP BY _key, machine_id),
  -- cells.sql: remainder_step
-- A remainder step's CTEs (a fragment of batch_pairs). counted0: the machines of each key among the
-- pairs still moving; a key with k of them, or one an earlier step kept (false), keeps its pairs for
-- good (kept0). The others' pairs get the step's fields cleared to "Other" and merge by key as
-- pairs1: remainder step 1 clears Command.
counted0 AS MATERIALIZED (
    SELECT _key, count(*) >= $k AS _enough, false AS _merges FROM pairs0 GROUP BY _key),
  kept0 AS MATERIALIZED (
    SELECT _key FROM counted0 WHERE _enough AND NOT _merges),
  pairs1 AS MATERIALIZED (
    SELECT _key & $step1_mask::BIGINT AS _key, machine_id, sum(_events)::BIGINT AS _events, $stage_remainder::TINYINT AS _stage
    FROM pairs0 SEMI JOIN (SELECT _key FROM counted0 WHERE NOT (_enough OR _merges)) USING (_key)
    GROUP BY ALL),
  -- cells.sql: remainder_step
-- A remainder step's CTEs (a fragment of batch_pairs). counted1: the machines of each key among the
-- pairs still moving; a key with k of them, or one an earlier step kept (_key IN (SELECT _key FROM kept0)), keeps its pairs for
-- good (kept1). The others' pairs get the step's fields cleared to "Other" and merge by key as
-- pairs2: remainder step 2 clears Command, Geography.
counted1 AS MATERIALIZED (
    SELECT _key, count(*) >= $k AS _enough, _key IN (SELECT _key FROM kept0) AS _merges FROM pairs1 GROUP BY _key),
  kept1 AS MATERIALIZED (
    SELECT _key FROM kept0 UNION ALL SELECT _key FROM counted1 WHERE _enough AND NOT _merges),
  pairs2 AS MATERIALIZED (
    SELECT _key & $step2_mask::BIGINT AS _key, machine_id, sum(_events)::BIGINT AS _events, $stage_remainder::TINYINT AS _stage
    FROM pairs1 SEMI JOIN (SELECT _key FROM counted1 WHERE NOT (_enough OR _merges)) USING (_key)
    GROUP BY ALL),
  -- cells.sql: remainder_step
-- A remainder step's CTEs (a fragment of batch_pairs). counted2: the machines of each key among the
-- pairs still moving; a key with k of them, or one an earlier step kept (_key IN (SELECT _key FROM kept1)), keeps its pairs for
-- good (kept2). The others' pairs get the step's fields cleared to "Other" and merge by key as
-- pairs3: remainder step 3 clears Command, Geography, OSFamily.
counted2 AS MATERIALIZED (
    SELECT _key, count(*) >= $k AS _enough, _key IN (SELECT _key FROM kept1) AS _merges FROM pairs2 GROUP BY _key),
  kept2 AS MATERIALIZED (
    SELECT _key FROM kept1 UNION ALL SELECT _key FROM counted2 WHERE _enough AND NOT _merges),
  pairs3 AS MATERIALIZED (
    SELECT _key & $step3_mask::BIGINT AS _key, machine_id, sum(_events)::BIGINT AS _events, $stage_remainder::TINYINT AS _stage
    FROM pairs2 SEMI JOIN (SELECT _key FROM counted2 WHERE NOT (_enough OR _merges)) USING (_key)
    GROUP BY ALL),
  -- cells.sql: remainder_step
-- A remainder step's CTEs (a fragment of batch_pairs). counted3: the machines of each key among the
-- pairs still moving; a key with k of them, or one an earlier step kept (_key IN (SELECT _key FROM kept2)), keeps its pairs for
-- good (kept3). The others' pairs get the step's fields cleared to "Other" and merge by key as
-- pairs4: remainder step 4 clears Command, Geography, OSFamily, OSVersion.
counted3 AS MATERIALIZED (
    SELECT _key, count(*) >= $k AS _enough, _key IN (SELECT _key FROM kept2) AS _merges FROM pairs3 GROUP BY _key),
  kept3 AS MATERIALIZED (
    SELECT _key FROM kept2 UNION ALL SELECT _key FROM counted3 WHERE _enough AND NOT _merges),
  pairs4 AS MATERIALIZED (
    SELECT _key & $step4_mask::BIGINT AS _key, machine_id, sum(_events)::BIGINT AS _events, $stage_remainder::TINYINT AS _stage
    FROM pairs3 SEMI JOIN (SELECT _key FROM counted3 WHERE NOT (_enough OR _merges)) USING (_key)
    GROUP BY ALL),
  -- cells.sql: remainder_step
-- A remainder step's CTEs (a fragment of batch_pairs). counted4: the machines of each key among the
-- pairs still moving; a key with k of them, or one an earlier step kept (_key IN (SELECT _key FROM kept3)), keeps its pairs for
-- good (kept4). The others' pairs get the step's fields cleared to "Other" and merge by key as
-- pairs5: remainder step 5 clears Command, Geography, OSFamily, RuntimeID, OSVersion.
counted4 AS MATERIALIZED (
    SELECT _key, count(*) >= $k AS _enough, _key IN (SELECT _key FROM kept3) AS _merges FROM pairs4 GROUP BY _key),
  kept4 AS MATERIALIZED (
    SELECT _key FROM kept3 UNION ALL SELECT _key FROM counted4 WHERE _enough AND NOT _merges),
  pairs5 AS MATERIALIZED (
    SELECT _key & $step5_mask::BIGINT AS _key, machine_id, sum(_events)::BIGINT AS _events, $stage_remainder::TINYINT AS _stage
    FROM pairs4 SEMI JOIN (SELECT _key FROM counted4 WHERE NOT (_enough OR _merges)) USING (_key)
    GROUP BY ALL),
  -- cells.sql: remainder_step
-- A remainder step's CTEs (a fragment of batch_pairs). counted5: the machines of each key among the
-- pairs still moving; a key with k of them, or one an earlier step kept (_key IN (SELECT _key FROM kept4)), keeps its pairs for
-- good (kept5). The others' pairs get the step's fields cleared to "Other" and merge by key as
-- pairs6: remainder step 6 clears Command, Geography, OSFamily, RuntimeID, OSVersion, SDKVersion.
counted5 AS MATERIALIZED (
    SELECT _key, count(*) >= $k AS _enough, _key IN (SELECT _key FROM kept4) AS _merges FROM pairs5 GROUP BY _key),
  kept5 AS MATERIALIZED (
    SELECT _key FROM kept4 UNION ALL SELECT _key FROM counted5 WHERE _enough AND NOT _merges),
  pairs6 AS MATERIALIZED (
    SELECT _key & $step6_mask::BIGINT AS _key, machine_id, sum(_events)::BIGINT AS _events, $stage_remainder::TINYINT AS _stage
    FROM pairs5 SEMI JOIN (SELECT _key FROM counted5 WHERE NOT (_enough OR _merges)) USING (_key)
    GROUP BY ALL),
  -- cells.sql: last_count
-- After the last remainder step: what is still under k stays where it is, to be suppressed.
counted6 AS MATERIALIZED (
    SELECT _key, count(*) >= $k AS _enough, _key IN (SELECT _key FROM kept5) AS _merges FROM pairs6 GROUP BY _key),
  settled AS (
    SELECT * FROM pairs0 SEMI JOIN (SELECT _key FROM counted0 WHERE _enough OR _merges) USING (_key)
    UNION ALL SELECT * FROM pairs1 SEMI JOIN (SELECT _key FROM counted1 WHERE _enough OR _merges) USING (_key)
    UNION ALL SELECT * FROM pairs2 SEMI JOIN (SELECT _key FROM counted2 WHERE _enough OR _merges) USING (_key)
    UNION ALL SELECT * FROM pairs3 SEMI JOIN (SELECT _key FROM counted3 WHERE _enough OR _merges) USING (_key)
    UNION ALL SELECT * FROM pairs4 SEMI JOIN (SELECT _key FROM counted4 WHERE _enough OR _merges) USING (_key)
    UNION ALL SELECT * FROM pairs5 SEMI JOIN (SELECT _key FROM counted5 WHERE _enough OR _merges) USING (_key)
    UNION ALL SELECT * FROM pairs6),
  merged AS MATERIALIZED (
    SELECT _key FROM counted0 WHERE _merges UNION ALL SELECT _key FROM counted1 WHERE _merges UNION ALL SELECT _key FROM counted2 WHERE _merges UNION ALL SELECT _key FROM counted3 WHERE _merges UNION ALL SELECT _key FROM counted4 WHERE _merges UNION ALL SELECT _key FROM counted5 WHERE _merges UNION ALL SELECT _key FROM counted6 WHERE _merges)
  SELECT _key, machine_id, _events, _stage FROM settled WHERE _key NOT IN (SELECT _key FROM merged)
  UNION ALL
  SELECT _key, machine_id, sum(_events)::BIGINT, max(_stage)::TINYINT FROM settled WHERE _key IN (SELECT _key FROM merged) GROUP BY ALL;

-- [90] $k = 10, $low_key = "0", $high_key = "255", $shift_time = 7, $field_mask_time = "1", $shift_0 = 5, $field_mask_0 = "3", $shift_1 = 4, $field_mask_1 = "1", $shift_2 = 3, $field_mask_2 = "1", $shift_3 = 2, $field_mask_3 = "1", $shift_4 = 1, $field_mask_4 = "1", $shift_5 = 0, $field_mask_5 = "1", $cap = 100
-- cells.sql: batch_rows
-- The batch's rows from its pairs, found by their key range ($low_key .. $high_key: time takes the top
-- bits and batches are inserted in order), each key's fields decoded back to text.
INSERT INTO "ds_cli_usage_rows"
  SELECT d0._text, d1._text, d2._text, d3._text, d4._text, d5._text, d6._text, r.*, false
  FROM (SELECT _key, sum(least(_events, $cap::BIGINT))::BIGINT AS _value, count(*)::BIGINT AS _machines, sum(_events)::BIGINT AS _raw_events,
               max(_stage)::INTEGER AS _stage, count(*) >= $k AS _published
        FROM "ds_cli_usage_assigned_packed" WHERE _key BETWEEN $low_key::BIGINT AND $high_key::BIGINT GROUP BY _key) r
  JOIN "ds_cli_usage_time_codes" d0 ON d0._code = ((r._key >> $shift_time) & $field_mask_time::BIGINT) /* Timestamp */
  JOIN "ds_cli_usage_label_0_codes" d1 ON d1._code = ((r._key >> $shift_0) & $field_mask_0::BIGINT) /* Command */
  JOIN "ds_cli_usage_label_1_codes" d2 ON d2._code = ((r._key >> $shift_1) & $field_mask_1::BIGINT) /* Geography */
  JOIN "ds_cli_usage_label_2_codes" d3 ON d3._code = ((r._key >> $shift_2) & $field_mask_2::BIGINT) /* OSFamily */
  JOIN "ds_cli_usage_label_3_codes" d4 ON d4._code = ((r._key >> $shift_3) & $field_mask_3::BIGINT) /* RuntimeID */
  JOIN "ds_cli_usage_label_4_codes" d5 ON d5._code = ((r._key >> $shift_4) & $field_mask_4::BIGINT) /* OSVersion */
  JOIN "ds_cli_usage_label_5_codes" d6 ON d6._code = ((r._key >> $shift_5) & $field_mask_5::BIGINT) /* SDKVersion */;

-- [91] $path = "<work>/build/out/cli-usage-2026-q3.tsv"
-- tsv.sql: copy_tsv
-- The rows sorted so that a rerun over the same archive writes the same bytes. COPY's options are
-- literals: DuckDB takes no parameters there.
COPY (SELECT * FROM (-- tsv.sql: published_rows
-- A dataset's published rows, columns in the dataset's order, the measure named as published.
SELECT "Timestamp", _value AS "Occurrences", "Command", "Geography", "OSFamily", "RuntimeID", "OSVersion", "SDKVersion" FROM "ds_cli_usage_rows" WHERE _published) ORDER BY "Timestamp" ASC, "Command" ASC, "Geography" ASC, "OSFamily" ASC, "RuntimeID" ASC, "OSVersion" ASC, "SDKVersion" ASC) TO $path
  (FORMAT csv, DELIMITER E'\t', HEADER true, QUOTE '', ESCAPE '', NULLSTR '');

-- [92] no parameters
-- tsv.sql: count_published
SELECT count(*)::BIGINT AS n FROM "ds_cli_usage_rows" WHERE _published;

-- [93] $path = "<work>/build/out/cli-usage-2026-q3.tsv"
-- check.sql: load_file
-- The file as published: every column text, nothing inferred. The column list is part of the read's
-- options, which take no parameters.
CREATE OR REPLACE TEMP TABLE check_file AS
  SELECT * FROM read_csv($path, delim = E'\t', header = true, quote = '', escape = '',
                         auto_detect = false, columns = {'Timestamp': 'VARCHAR', 'Occurrences': 'VARCHAR', 'Command': 'VARCHAR', 'Geography': 'VARCHAR', 'OSFamily': 'VARCHAR', 'RuntimeID': 'VARCHAR', 'OSVersion': 'VARCHAR', 'SDKVersion': 'VARCHAR'});

-- [94] $k = 10, $limit = 20, $cap = 100
-- check.sql: rows_against_record
-- Every file row must exist in the record, rest on k machines and carry the value the record gives.
-- Counted on the packed key first (integers), then spelled out: a key spelled twice would give a file
-- row two recounts, and any of them wrong or under k is reported.
SELECT f.*, r._machines, r._value AS _recomputed FROM check_file f
LEFT JOIN (
  SELECT k."Timestamp", k."Command", k."Geography", k."OSFamily", k."RuntimeID", k."OSVersion", k."SDKVersion", a._machines, a._value
  FROM (SELECT _key, count(DISTINCT machine_id) AS _machines, sum(least(_events, $cap::BIGINT)) AS _value FROM "ds_cli_usage_assigned_packed" GROUP BY _key) a
  JOIN "ds_cli_usage_rows" k USING (_key)) r USING ("Timestamp", "Command", "Geography", "OSFamily", "RuntimeID", "OSVersion", "SDKVersion")
WHERE r._machines IS NULL OR r._machines < $k OR r._value::VARCHAR <> f."Occurrences"
LIMIT $limit;

-- [95] $limit = 20
-- check.sql: duplicate_keys
SELECT "Timestamp", "Command", "Geography", "OSFamily", "RuntimeID", "OSVersion", "SDKVersion", count(*) AS copies FROM check_file GROUP BY ALL HAVING count(*) > 1 LIMIT $limit;

-- [96] no parameters
-- check.sql: partition_totals
-- Every fact ended in exactly one row: nothing counted twice, nothing lost.
SELECT (SELECT sum(_events) FROM "ds_cli_usage_facts")::BIGINT AS facts, (SELECT sum(_events) FROM "ds_cli_usage_assigned_packed")::BIGINT AS assigned;

-- [97] $limit = 20
-- check.sql: identifier_leaks
-- The published cells are few: each is looked up among the identifiers, not the other way round.
-- Machines are held by the hash of their id: a cell whose hash is a machine's is that id. A value some
-- client also sent in a published field (an SDK version 8.0.100 that is also someone's /24) has a
-- legitimate source: equal by coincidence, not a leak.
WITH cells AS (SELECT DISTINCT unnest(["Command", "Geography", "OSFamily", "RuntimeID", "OSVersion", "SDKVersion"]) AS cell FROM check_file),
identifiers AS (
  SELECT DISTINCT cell FROM cells WHERE hash(cell) IN (SELECT machine_id FROM events)
  UNION SELECT DISTINCT ip_prefix FROM events WHERE ip_prefix IN (SELECT cell FROM cells)
)
SELECT cell FROM identifiers
WHERE cell NOT IN (SELECT "command" FROM events WHERE "command" IN (SELECT cell FROM identifiers))
  AND cell NOT IN (SELECT "os_family" FROM events WHERE "os_family" IN (SELECT cell FROM identifiers))
  AND cell NOT IN (SELECT "os_version" FROM events WHERE "os_version" IN (SELECT cell FROM identifiers))
  AND cell NOT IN (SELECT "runtime_id" FROM events WHERE "runtime_id" IN (SELECT cell FROM identifiers))
  AND cell NOT IN (SELECT "sdk_version" FROM events WHERE "sdk_version" IN (SELECT cell FROM identifiers))
  AND cell NOT IN (SELECT "product" FROM events WHERE "product" IN (SELECT cell FROM identifiers))
  AND cell NOT IN (SELECT "product_version" FROM events WHERE "product_version" IN (SELECT cell FROM identifiers))
LIMIT $limit;

-- [98] no parameters
-- check.sql: drop_file
DROP TABLE check_file;

-- [99] $path = "<work>/build/out/cli-usage-2026-q3.parquet"
-- formats.sql: copy_parquet
-- One fixed schema per dataset (CAST("Timestamp" AS DATE) AS "Timestamp", CAST("Occurrences" AS BIGINT) AS "Occurrences", CAST("Command" AS VARCHAR) AS "Command", CAST("Geography" AS VARCHAR) AS "Geography", CAST("OSFamily" AS VARCHAR) AS "OSFamily", CAST("RuntimeID" AS VARCHAR) AS "RuntimeID", CAST("OSVersion" AS VARCHAR) AS "OSVersion", CAST("SDKVersion" AS VARCHAR) AS "SDKVersion": every column cast to its declared type), zstd, fixed row
-- groups; sorted like the TSV so that a rerun writes the same bytes.
COPY (SELECT CAST("Timestamp" AS DATE) AS "Timestamp", CAST("Occurrences" AS BIGINT) AS "Occurrences", CAST("Command" AS VARCHAR) AS "Command", CAST("Geography" AS VARCHAR) AS "Geography", CAST("OSFamily" AS VARCHAR) AS "OSFamily", CAST("RuntimeID" AS VARCHAR) AS "RuntimeID", CAST("OSVersion" AS VARCHAR) AS "OSVersion", CAST("SDKVersion" AS VARCHAR) AS "SDKVersion" FROM (-- tsv.sql: published_rows
-- A dataset's published rows, columns in the dataset's order, the measure named as published.
SELECT "Timestamp", _value AS "Occurrences", "Command", "Geography", "OSFamily", "RuntimeID", "OSVersion", "SDKVersion" FROM "ds_cli_usage_rows" WHERE _published) ORDER BY "Timestamp" ASC, "Command" ASC, "Geography" ASC, "OSFamily" ASC, "RuntimeID" ASC, "OSVersion" ASC, "SDKVersion" ASC) TO $path
  (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880);

-- [100] $path = "<work>/build/out/cli-usage-2026-q3.tsv"
-- formats.sql: load_tsv_typed
-- The canonical TSV read back with the same types as the copies.
CREATE OR REPLACE TEMP TABLE copy_check_tsv AS
  SELECT * FROM read_csv($path, delim = E'\t', header = true, quote = '', escape = '',
                         auto_detect = false, columns = {'Timestamp': 'DATE', 'Occurrences': 'BIGINT', 'Command': 'VARCHAR', 'Geography': 'VARCHAR', 'OSFamily': 'VARCHAR', 'RuntimeID': 'VARCHAR', 'OSVersion': 'VARCHAR', 'SDKVersion': 'VARCHAR'});

-- [101] $path = "<work>/build/out/cli-usage-2026-q3.parquet"
-- formats.sql: load_parquet
CREATE OR REPLACE TEMP TABLE copy_check_copy AS SELECT * FROM read_parquet($path);

-- [102] no parameters
-- formats.sql: parquet_schema
SELECT column_name, column_type FROM (DESCRIBE copy_check_copy);

-- [103] no parameters
-- formats.sql: compare_copy
-- Same count, and no row of either side missing from the other (duplicates counted).
SELECT
  (SELECT count(*) FROM copy_check_tsv)::BIGINT AS tsv_rows,
  (SELECT count(*) FROM copy_check_copy)::BIGINT AS copy_rows,
  (SELECT count(*) FROM (SELECT * FROM copy_check_tsv EXCEPT ALL SELECT * FROM copy_check_copy))::BIGINT AS only_tsv,
  (SELECT count(*) FROM (SELECT * FROM copy_check_copy EXCEPT ALL SELECT * FROM copy_check_tsv))::BIGINT AS only_copy;

-- [104] no parameters
-- formats.sql: drop_check
DROP TABLE IF EXISTS copy_check_tsv; DROP TABLE IF EXISTS copy_check_copy;

-- [105] $counts_events = true, $cap = 100, $stage_detail = 0, $stage_generalised = 1, $stage_remainder = 2
-- protect.sql: protection_stats
SELECT
  (SELECT sum(_events) FROM "ds_cli_usage_facts")::BIGINT AS events,
  sum(_raw_events - _value) FILTER (WHERE $counts_events)::BIGINT AS removed,
  count(*) FILTER (WHERE _published)::BIGINT AS rows_published,
  count(*) FILTER (WHERE NOT _published)::BIGINT AS rows_suppressed,
  count(*) FILTER (WHERE _secondary)::BIGINT AS rows_secondary,
  coalesce(sum(_value) FILTER (WHERE _published AND _stage = $stage_detail), 0)::BIGINT AS detail,
  coalesce(sum(_value) FILTER (WHERE _published AND _stage = $stage_generalised), 0)::BIGINT AS generalised,
  coalesce(sum(_value) FILTER (WHERE _published AND _stage = $stage_remainder), 0)::BIGINT AS remainder,
  coalesce(sum(_value) FILTER (WHERE NOT _published), 0)::BIGINT AS suppressed,
  coalesce(sum(_value) FILTER (WHERE _secondary), 0)::BIGINT AS secondary,
  min(_machines) FILTER (WHERE _published)::BIGINT AS min_machines,
  median(_machines) FILTER (WHERE _published)::DOUBLE AS median_machines,
  (SELECT count(DISTINCT machine_id) FROM "ds_cli_usage_assigned_packed" WHERE _key IN (SELECT _key FROM "ds_cli_usage_rows" WHERE NOT _published))::BIGINT AS suppressed_machines,
  (SELECT count(DISTINCT machine_id) FROM "ds_cli_usage_assigned_packed" WHERE _events > $cap)::BIGINT AS capped_machines,
  (SELECT max(removed) FROM (SELECT sum(_events - least(_events, $cap::BIGINT)) AS removed FROM "ds_cli_usage_assigned_packed" GROUP BY machine_id))::BIGINT AS largest_removed
FROM "ds_cli_usage_rows";
