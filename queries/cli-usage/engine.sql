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
SET TimeZone = 'UTC';

-- [4] no parameters
SET preserve_insertion_order = false;

-- [5] no parameters
SELECT DISTINCT lower(function_name) AS name FROM duckdb_functions();

-- [6] no parameters
SELECT json_serialize_sql('SELECT (continent)') AS tree;

-- [7] no parameters
SET TimeZone = 'UTC';

-- [8] no parameters
SET preserve_insertion_order = false;

-- [9] no parameters
SELECT DISTINCT lower(function_name) AS name FROM duckdb_functions();

-- [10] no parameters
SELECT json_serialize_sql('SELECT (continent)') AS tree;

-- [11] no parameters
SET TimeZone = 'UTC';

-- [12] no parameters
SET preserve_insertion_order = false;

-- [13] no parameters
SELECT DISTINCT lower(function_name) AS name FROM duckdb_functions();

-- [14] no parameters
SELECT json_serialize_sql('SELECT (regexp_extract("OSVersion", ''^[0-9]+\.[0-9]+''))') AS tree;

-- [15] no parameters
SELECT json_serialize_sql('SELECT (regexp_extract("OSVersion", ''^[0-9]+''))') AS tree;

-- [16] no parameters
SET TimeZone = 'UTC';

-- [17] no parameters
SET preserve_insertion_order = false;

-- [18] no parameters
SELECT DISTINCT lower(function_name) AS name FROM duckdb_functions();

-- [19] no parameters
SELECT json_serialize_sql('SELECT (regexp_extract("RuntimeID", ''-([a-z0-9]+)$'', 1))') AS tree;

-- [20] no parameters
SET TimeZone = 'UTC';

-- [21] no parameters
SET preserve_insertion_order = false;

-- [22] no parameters
SELECT DISTINCT lower(function_name) AS name FROM duckdb_functions();

-- [23] no parameters
SELECT json_serialize_sql('SELECT (regexp_extract("SDKVersion", ''^[0-9]+\.[0-9]+''))') AS tree;

-- [24] no parameters
SELECT json_serialize_sql('SELECT (regexp_extract("SDKVersion", ''^[0-9]+''))') AS tree;

-- [25] no parameters
SET TimeZone = 'UTC';

-- [26] no parameters
SET preserve_insertion_order = false;

-- [27] no parameters
SELECT DISTINCT lower(function_name) AS name FROM duckdb_functions();

-- [28] no parameters
SELECT json_serialize_sql('SELECT (regexp_extract("ProductVersion", ''^[0-9]+\.[0-9]+''))') AS tree;

-- [29] no parameters
SELECT json_serialize_sql('SELECT (regexp_extract("ProductVersion", ''^[0-9]+''))') AS tree;

-- [30] no parameters
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

-- [31] no parameters
-- facts.sql: describe_query
DESCRIBE SELECT * FROM "ds_cli_usage_query";

-- [32] no parameters
-- facts.sql: create_facts
-- Empty, with the columns and types of the batches inserted below.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_facts" AS SELECT "Timestamp", "machine_id", coalesce(CAST("Command" AS VARCHAR), 'Unknown') AS "Command", coalesce(CAST("Geography" AS VARCHAR), 'Unknown') AS "Geography", "continent", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", coalesce(CAST("RuntimeID" AS VARCHAR), 'Unknown') AS "RuntimeID", coalesce(CAST("OSVersion" AS VARCHAR), 'Unknown') AS "OSVersion", coalesce(CAST("SDKVersion" AS VARCHAR), 'Unknown') AS "SDKVersion", 0::BIGINT AS _events FROM "ds_cli_usage_query" LIMIT 0;

-- [33] no parameters
-- facts.sql: insert_facts_days
-- One batch of days of a DATE time column: a range on the column's own type, so DuckDB skips the row
-- groups of other days. The days are DATE literals rendered by facts.ts, not parameters: measured on
-- 10M events (runs alternated on one database), bound days made these batches 20-40% slower.
INSERT INTO "ds_cli_usage_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("Command" AS VARCHAR), 'Unknown') AS "Command", coalesce(CAST("Geography" AS VARCHAR), 'Unknown') AS "Geography", "continent", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", coalesce(CAST("RuntimeID" AS VARCHAR), 'Unknown') AS "RuntimeID", coalesce(CAST("OSVersion" AS VARCHAR), 'Unknown') AS "OSVersion", coalesce(CAST("SDKVersion" AS VARCHAR), 'Unknown') AS "SDKVersion", count(*)::BIGINT FROM "ds_cli_usage_query"
  WHERE "Timestamp" BETWEEN DATE '2026-07-01' AND DATE '2026-09-30'
  GROUP BY ALL;

-- [34] no parameters
-- facts.sql: insert_facts_outside_days
-- The last batch of a DATE time column: rows without a time (refused just after) and days outside the
-- quarter (literals, as above).
INSERT INTO "ds_cli_usage_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("Command" AS VARCHAR), 'Unknown') AS "Command", coalesce(CAST("Geography" AS VARCHAR), 'Unknown') AS "Geography", "continent", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", coalesce(CAST("RuntimeID" AS VARCHAR), 'Unknown') AS "RuntimeID", coalesce(CAST("OSVersion" AS VARCHAR), 'Unknown') AS "OSVersion", coalesce(CAST("SDKVersion" AS VARCHAR), 'Unknown') AS "SDKVersion", count(*)::BIGINT FROM "ds_cli_usage_query"
  WHERE "Timestamp" IS NULL OR "Timestamp" NOT BETWEEN DATE '2026-07-01' AND DATE '2026-09-30'
  GROUP BY ALL;

-- [35] no parameters
-- facts.sql: count_untimed
SELECT count(*)::BIGINT AS n FROM "ds_cli_usage_facts" WHERE "Timestamp" IS NULL;

-- [36] no parameters
-- contract.sql: foreign_machines
-- Machine ids of the facts that are no machine of the archive.
SELECT count(*)::BIGINT AS n FROM (SELECT DISTINCT machine_id FROM "ds_cli_usage_facts") ANTI JOIN "archive_machines" USING (machine_id);

-- [37] no parameters
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

-- [38] $touched_0 = [" build ","build"]
-- facts.sql: regroup_cleaned
-- The facts holding a value that changes, or the value it changes to, are normalised and regrouped, so
-- facts stay distinct over their columns. $touched_<n> lists the raw and clean values of dimension n.
CREATE OR REPLACE TEMP TABLE _cleaned AS
  SELECT * EXCLUDE (_events) REPLACE ((CASE WHEN left(coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("Command" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("Command" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("Command" AS VARCHAR) END), '"', '''')), ''), 'Unknown'), 1) IN ('=', '+', '-', '@') THEN '''' || coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("Command" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("Command" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("Command" AS VARCHAR) END), '"', '''')), ''), 'Unknown') ELSE coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("Command" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("Command" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("Command" AS VARCHAR) END), '"', '''')), ''), 'Unknown') END) AS "Command", (CASE WHEN left(coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("Geography" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("Geography" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("Geography" AS VARCHAR) END), '"', '''')), ''), 'Unknown'), 1) IN ('=', '+', '-', '@') THEN '''' || coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("Geography" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("Geography" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("Geography" AS VARCHAR) END), '"', '''')), ''), 'Unknown') ELSE coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("Geography" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("Geography" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("Geography" AS VARCHAR) END), '"', '''')), ''), 'Unknown') END) AS "Geography", (CASE WHEN left(coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("OSFamily" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("OSFamily" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("OSFamily" AS VARCHAR) END), '"', '''')), ''), 'Unknown'), 1) IN ('=', '+', '-', '@') THEN '''' || coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("OSFamily" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("OSFamily" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("OSFamily" AS VARCHAR) END), '"', '''')), ''), 'Unknown') ELSE coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("OSFamily" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("OSFamily" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("OSFamily" AS VARCHAR) END), '"', '''')), ''), 'Unknown') END) AS "OSFamily", (CASE WHEN left(coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("RuntimeID" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("RuntimeID" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("RuntimeID" AS VARCHAR) END), '"', '''')), ''), 'Unknown'), 1) IN ('=', '+', '-', '@') THEN '''' || coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("RuntimeID" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("RuntimeID" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("RuntimeID" AS VARCHAR) END), '"', '''')), ''), 'Unknown') ELSE coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("RuntimeID" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("RuntimeID" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("RuntimeID" AS VARCHAR) END), '"', '''')), ''), 'Unknown') END) AS "RuntimeID", (CASE WHEN left(coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("OSVersion" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("OSVersion" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("OSVersion" AS VARCHAR) END), '"', '''')), ''), 'Unknown'), 1) IN ('=', '+', '-', '@') THEN '''' || coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("OSVersion" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("OSVersion" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("OSVersion" AS VARCHAR) END), '"', '''')), ''), 'Unknown') ELSE coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("OSVersion" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("OSVersion" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("OSVersion" AS VARCHAR) END), '"', '''')), ''), 'Unknown') END) AS "OSVersion", (CASE WHEN left(coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("SDKVersion" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("SDKVersion" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("SDKVersion" AS VARCHAR) END), '"', '''')), ''), 'Unknown'), 1) IN ('=', '+', '-', '@') THEN '''' || coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("SDKVersion" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("SDKVersion" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("SDKVersion" AS VARCHAR) END), '"', '''')), ''), 'Unknown') ELSE coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("SDKVersion" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("SDKVersion" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("SDKVersion" AS VARCHAR) END), '"', '''')), ''), 'Unknown') END) AS "SDKVersion"), sum(_events)::BIGINT AS _events
  FROM "ds_cli_usage_facts" WHERE list_contains($touched_0, "Command") GROUP BY ALL;
DELETE FROM "ds_cli_usage_facts" WHERE list_contains($touched_0, "Command");
INSERT INTO "ds_cli_usage_facts" BY NAME SELECT * FROM _cleaned;
DROP TABLE _cleaned;

-- [39] $daily_cap = 1000
-- contribution.sql: over_bound
-- The (day, machine) pairs over the bound, with their total.
CREATE OR REPLACE TEMP TABLE "_over_daily_bound" AS
  SELECT "Timestamp" AS _time, machine_id, sum(_events) AS _total FROM "ds_cli_usage_facts" GROUP BY ALL HAVING sum(_events) > $daily_cap;

-- [40] no parameters
-- contribution.sql: count_over
SELECT count(*)::BIGINT AS n FROM "_over_daily_bound";

-- [41] no parameters
-- contribution.sql: drop_over
DROP TABLE "_over_daily_bound";

-- [42] no parameters
-- labels.sql: fact_columns
DESCRIBE "ds_cli_usage_facts";

-- [43] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_0_values" AS
  SELECT "Command" AS _value, $other::VARCHAR AS l1,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "Command" FROM "ds_cli_usage_facts") GROUP BY ALL;

-- [44] $k = 10
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

-- [45] $level = 1
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_label_0_values" v ANTI JOIN "ds_cli_usage_label_0" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l1 FROM unresolved;
INSERT INTO "ds_cli_usage_label_0"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [46] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_cli_usage_label_0_values";

-- [47] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_cli_usage_label_0_values"; DROP TABLE "ds_cli_usage_label_0_vm";

-- [48] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_cli_usage_label_0" GROUP BY _level ORDER BY _level;

-- [49] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_1_values" AS
  SELECT "Geography" AS _value, min(coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((continent) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((continent) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((continent) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((continent) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((continent) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((continent) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((continent) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((continent) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((continent) AS VARCHAR) END), '"', '''') END), ''), 'Other')) AS l1, $other::VARCHAR AS l2,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "Geography", "continent" FROM "ds_cli_usage_facts") GROUP BY ALL;

-- [50] $k = 10
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

-- [51] $k = 10, $level = 1
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

-- [52] $level = 2
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_label_1_values" v ANTI JOIN "ds_cli_usage_label_1" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l2 FROM unresolved;
INSERT INTO "ds_cli_usage_label_1"
  SELECT u._value, u.l2, $level
  FROM unresolved u SEMI JOIN passing p USING (l2);
DROP TABLE unresolved; DROP TABLE passing;

-- [53] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_cli_usage_label_1_values";

-- [54] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_cli_usage_label_1_values"; DROP TABLE "ds_cli_usage_label_1_vm";

-- [55] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_cli_usage_label_1" GROUP BY _level ORDER BY _level;

-- [56] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_2_values" AS
  SELECT "OSFamily" AS _value, $other::VARCHAR AS l1,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "OSFamily" FROM "ds_cli_usage_facts") GROUP BY ALL;

-- [57] $k = 10
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

-- [58] $level = 1
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_label_2_values" v ANTI JOIN "ds_cli_usage_label_2" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l1 FROM unresolved;
INSERT INTO "ds_cli_usage_label_2"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [59] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_cli_usage_label_2_values";

-- [60] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_cli_usage_label_2_values"; DROP TABLE "ds_cli_usage_label_2_vm";

-- [61] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_cli_usage_label_2" GROUP BY _level ORDER BY _level;

-- [62] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_3_values" AS
  SELECT "RuntimeID" AS _value, min(coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR) END), '"', '''') END), ''), 'Other')) AS l1, $other::VARCHAR AS l2,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "RuntimeID" FROM "ds_cli_usage_facts") GROUP BY ALL;

-- [63] $k = 10
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

-- [64] $k = 10, $level = 1
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

-- [65] $level = 2
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_label_3_values" v ANTI JOIN "ds_cli_usage_label_3" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l2 FROM unresolved;
INSERT INTO "ds_cli_usage_label_3"
  SELECT u._value, u.l2, $level
  FROM unresolved u SEMI JOIN passing p USING (l2);
DROP TABLE unresolved; DROP TABLE passing;

-- [66] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_cli_usage_label_3_values";

-- [67] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_cli_usage_label_3_values"; DROP TABLE "ds_cli_usage_label_3_vm";

-- [68] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_cli_usage_label_3" GROUP BY _level ORDER BY _level;

-- [69] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_4_values" AS
  SELECT "OSVersion" AS _value, min(coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR) END), '"', '''') END), ''), coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') END), ''), 'Other'))) AS l1, min(coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') END), ''), 'Other')) AS l2, $other::VARCHAR AS l3,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "OSVersion" FROM "ds_cli_usage_facts") GROUP BY ALL;

-- [70] $k = 10
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

-- [71] $k = 10, $level = 1
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

-- [72] $k = 10, $level = 2
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

-- [73] $level = 3
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_label_4_values" v ANTI JOIN "ds_cli_usage_label_4" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l3 FROM unresolved;
INSERT INTO "ds_cli_usage_label_4"
  SELECT u._value, u.l3, $level
  FROM unresolved u SEMI JOIN passing p USING (l3);
DROP TABLE unresolved; DROP TABLE passing;

-- [74] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_cli_usage_label_4_values";

-- [75] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_cli_usage_label_4_values"; DROP TABLE "ds_cli_usage_label_4_vm";

-- [76] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_cli_usage_label_4" GROUP BY _level ORDER BY _level;

-- [77] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_5_values" AS
  SELECT "SDKVersion" AS _value, min(coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR) END), '"', '''') END), ''), coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') END), ''), 'Other'))) AS l1, min(coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') END), ''), 'Other')) AS l2, $other::VARCHAR AS l3,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "SDKVersion" FROM "ds_cli_usage_facts") GROUP BY ALL;

-- [78] $k = 10
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

-- [79] $k = 10, $level = 1
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

-- [80] $k = 10, $level = 2
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

-- [81] $level = 3
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_label_5_values" v ANTI JOIN "ds_cli_usage_label_5" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l3 FROM unresolved;
INSERT INTO "ds_cli_usage_label_5"
  SELECT u._value, u.l3, $level
  FROM unresolved u SEMI JOIN passing p USING (l3);
DROP TABLE unresolved; DROP TABLE passing;

-- [82] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_cli_usage_label_5_values";

-- [83] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_cli_usage_label_5_values"; DROP TABLE "ds_cli_usage_label_5_vm";

-- [84] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_cli_usage_label_5" GROUP BY _level ORDER BY _level;

-- [85] no parameters
-- cells.sql: time_codes
-- Every value of the time column gets a code in its order: batches are ranges of codes.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_time_codes" AS
  SELECT (row_number() OVER (ORDER BY _value) - 1)::BIGINT AS _code, _value, _value::VARCHAR AS _text
  FROM (SELECT DISTINCT "Timestamp" AS _value FROM "ds_cli_usage_facts");

-- [86] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_0_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_cli_usage_label_0" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_0" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_cli_usage_label_0" l JOIN "ds_cli_usage_label_0_codes" c ON c._text = l._label;

-- [87] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_1_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_cli_usage_label_1" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_1" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_cli_usage_label_1" l JOIN "ds_cli_usage_label_1_codes" c ON c._text = l._label;

-- [88] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_2_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_cli_usage_label_2" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_2" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_cli_usage_label_2" l JOIN "ds_cli_usage_label_2_codes" c ON c._text = l._label;

-- [89] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_3_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_cli_usage_label_3" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_3" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_cli_usage_label_3" l JOIN "ds_cli_usage_label_3_codes" c ON c._text = l._label;

-- [90] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_4_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_cli_usage_label_4" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_4" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_cli_usage_label_4" l JOIN "ds_cli_usage_label_4_codes" c ON c._text = l._label;

-- [91] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_5_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_cli_usage_label_5" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_label_5" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_cli_usage_label_5" l JOIN "ds_cli_usage_label_5_codes" c ON c._text = l._label;

-- [92] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_label_5_codes";

-- [93] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_label_4_codes";

-- [94] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_label_3_codes";

-- [95] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_label_2_codes";

-- [96] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_label_1_codes";

-- [97] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_label_0_codes";

-- [98] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_time_codes";

-- [99] no parameters
-- cells.sql: count_time_codes
SELECT count(*)::BIGINT AS n FROM "ds_cli_usage_time_codes";

-- [100] $k = 10, $cap = 500, $shift_time = 7, $shift_0 = 5, $shift_1 = 4, $shift_2 = 3, $shift_3 = 2, $shift_4 = 1, $shift_5 = 0, $name_0 = "SDKVersion", $mask_0 = "254", $name_1 = "OSVersion", $mask_1 = "253", $name_2 = "RuntimeID", $mask_2 = "251", $name_3 = "Command", $mask_3 = "159", $name_4 = "Geography", $mask_4 = "239", $name_5 = "OSFamily", $mask_5 = "247", $first_code = 0, $last_code = 1
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

-- [101] no parameters
-- cells.sql: cell_tables
-- The packed record (which machine's events went into which row, by key), the rows, and the record with
-- the row's key spelled out. TEMP  keeps the record out of the database file unless a revision
-- will ATTACH it. Table definitions take no parameters.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_assigned_packed" (_key BIGINT, machine_id UBIGINT, _events BIGINT, _stage TINYINT);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_rows" ("Timestamp" VARCHAR, "Command" VARCHAR, "Geography" VARCHAR, "OSFamily" VARCHAR, "RuntimeID" VARCHAR, "OSVersion" VARCHAR, "SDKVersion" VARCHAR, _key BIGINT, _value BIGINT, _machines BIGINT, _raw_events BIGINT, _stage INTEGER, _published BOOLEAN, _secondary BOOLEAN DEFAULT false);
CREATE OR REPLACE TEMP VIEW "ds_cli_usage_assigned" AS
  SELECT r."Timestamp", r."Command", r."Geography", r."OSFamily", r."RuntimeID", r."OSVersion", r."SDKVersion", a.machine_id, a._events, a._stage::INTEGER AS _stage
  FROM "ds_cli_usage_assigned_packed" a JOIN "ds_cli_usage_rows" r USING (_key);

-- [102] no parameters
-- cells.sql: fact_time_codes
-- The first and last codes of the time values the facts hold: a shard's facts hold some days of the quarter.
SELECT min(_code)::BIGINT AS first, max(_code)::BIGINT AS last
FROM "ds_cli_usage_time_codes" WHERE _value IN (SELECT DISTINCT "Timestamp" FROM "ds_cli_usage_facts");

-- [103] $first_code = 0, $last_code = 1, $k = 10, $stage_detail = 0, $stage_generalised = 1, $stage_remainder = 2, $step1_mask = "159", $step2_mask = "143", $step3_mask = "135", $step4_mask = "133", $step5_mask = "129", $step6_mask = "128", $shift_time = 7, $shift_0 = 5, $shift_1 = 4, $shift_2 = 3, $shift_3 = 2, $shift_4 = 1, $shift_5 = 0
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

-- [104] $k = 10, $low_key = "0", $high_key = "255", $shift_time = 7, $shift_0 = 5, $shift_1 = 4, $shift_2 = 3, $shift_3 = 2, $shift_4 = 1, $shift_5 = 0, $field_mask_time = "1", $field_mask_0 = "3", $field_mask_1 = "1", $field_mask_2 = "1", $field_mask_3 = "1", $field_mask_4 = "1", $field_mask_5 = "1", $cap = 500
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

-- [105] no parameters
-- facts.sql: query_view
-- The dataset's query.sql as a view. A view cannot hold a bound parameter, and the query has none.
CREATE OR REPLACE TEMP VIEW "ds_cli_usage_commands_query" AS -- cli-usage-commands: the events of cli-usage (same filter, same machines) counted by Command and OSFamily only.
--
-- A member of the cli-usage family (population "cli-usage" in dataset.json): the job protects the family
-- together, so no difference between this table and another of the family reveals a figure under k.
-- The WHERE clause must stay that of cli-usage/query.sql: the family counts the same events.
SELECT
  e.day                                          AS "Timestamp",
  e.machine_id                                   AS machine_id,
  e.command                                      AS "Command",
  e.os_family                                    AS "OSFamily"
FROM events e
WHERE e.event = 'command'
  AND e.environment = 'production';

-- [106] no parameters
-- facts.sql: describe_query
DESCRIBE SELECT * FROM "ds_cli_usage_commands_query";

-- [107] no parameters
-- facts.sql: create_facts
-- Empty, with the columns and types of the batches inserted below.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_commands_facts" AS SELECT "Timestamp", "machine_id", coalesce(CAST("Command" AS VARCHAR), 'Unknown') AS "Command", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", 0::BIGINT AS _events FROM "ds_cli_usage_commands_query" LIMIT 0;

-- [108] no parameters
-- facts.sql: insert_facts_days
-- One batch of days of a DATE time column: a range on the column's own type, so DuckDB skips the row
-- groups of other days. The days are DATE literals rendered by facts.ts, not parameters: measured on
-- 10M events (runs alternated on one database), bound days made these batches 20-40% slower.
INSERT INTO "ds_cli_usage_commands_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("Command" AS VARCHAR), 'Unknown') AS "Command", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", count(*)::BIGINT FROM "ds_cli_usage_commands_query"
  WHERE "Timestamp" BETWEEN DATE '2026-07-01' AND DATE '2026-09-30'
  GROUP BY ALL;

-- [109] no parameters
-- facts.sql: insert_facts_outside_days
-- The last batch of a DATE time column: rows without a time (refused just after) and days outside the
-- quarter (literals, as above).
INSERT INTO "ds_cli_usage_commands_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("Command" AS VARCHAR), 'Unknown') AS "Command", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", count(*)::BIGINT FROM "ds_cli_usage_commands_query"
  WHERE "Timestamp" IS NULL OR "Timestamp" NOT BETWEEN DATE '2026-07-01' AND DATE '2026-09-30'
  GROUP BY ALL;

-- [110] no parameters
-- facts.sql: count_untimed
SELECT count(*)::BIGINT AS n FROM "ds_cli_usage_commands_facts" WHERE "Timestamp" IS NULL;

-- [111] no parameters
-- contract.sql: foreign_machines
-- Machine ids of the facts that are no machine of the archive.
SELECT count(*)::BIGINT AS n FROM (SELECT DISTINCT machine_id FROM "ds_cli_usage_commands_facts") ANTI JOIN "archive_machines" USING (machine_id);

-- [112] no parameters
-- facts.sql: unclean_values
-- Every dimension's distinct values in one scan: one grouping set per column, in which the other columns
-- are NULL (facts never hold a NULL dimension); the set's GROUPING_ID says which column a value is of.
-- Only the values that normalise to another text come back.
SELECT position, raw, (CASE WHEN left(coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown'), 1) IN ('=', '+', '-', '@') THEN '''' || coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown') ELSE coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown') END) AS clean FROM (
  SELECT CASE GROUPING_ID("Command", "OSFamily")
           WHEN 1 THEN 0 /* "Command" */
           WHEN 2 THEN 1 /* "OSFamily" */
         END AS position,
         coalesce("Command", "OSFamily") AS raw
  FROM "ds_cli_usage_commands_facts" GROUP BY GROUPING SETS (("Command"), ("OSFamily")))
WHERE clean <> raw;

-- [113] $touched_0 = [" build ","build"]
-- facts.sql: regroup_cleaned
-- The facts holding a value that changes, or the value it changes to, are normalised and regrouped, so
-- facts stay distinct over their columns. $touched_<n> lists the raw and clean values of dimension n.
CREATE OR REPLACE TEMP TABLE _cleaned AS
  SELECT * EXCLUDE (_events) REPLACE ((CASE WHEN left(coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("Command" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("Command" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("Command" AS VARCHAR) END), '"', '''')), ''), 'Unknown'), 1) IN ('=', '+', '-', '@') THEN '''' || coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("Command" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("Command" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("Command" AS VARCHAR) END), '"', '''')), ''), 'Unknown') ELSE coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("Command" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("Command" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("Command" AS VARCHAR) END), '"', '''')), ''), 'Unknown') END) AS "Command", (CASE WHEN left(coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("OSFamily" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("OSFamily" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("OSFamily" AS VARCHAR) END), '"', '''')), ''), 'Unknown'), 1) IN ('=', '+', '-', '@') THEN '''' || coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("OSFamily" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("OSFamily" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("OSFamily" AS VARCHAR) END), '"', '''')), ''), 'Unknown') ELSE coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("OSFamily" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("OSFamily" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("OSFamily" AS VARCHAR) END), '"', '''')), ''), 'Unknown') END) AS "OSFamily"), sum(_events)::BIGINT AS _events
  FROM "ds_cli_usage_commands_facts" WHERE list_contains($touched_0, "Command") GROUP BY ALL;
DELETE FROM "ds_cli_usage_commands_facts" WHERE list_contains($touched_0, "Command");
INSERT INTO "ds_cli_usage_commands_facts" BY NAME SELECT * FROM _cleaned;
DROP TABLE _cleaned;

-- [114] $daily_cap = 1000
-- contribution.sql: over_bound
-- The (day, machine) pairs over the bound, with their total.
CREATE OR REPLACE TEMP TABLE "_over_daily_bound" AS
  SELECT "Timestamp" AS _time, machine_id, sum(_events) AS _total FROM "ds_cli_usage_commands_facts" GROUP BY ALL HAVING sum(_events) > $daily_cap;

-- [115] no parameters
-- contribution.sql: count_over
SELECT count(*)::BIGINT AS n FROM "_over_daily_bound";

-- [116] no parameters
-- contribution.sql: drop_over
DROP TABLE "_over_daily_bound";

-- [117] no parameters
-- labels.sql: fact_columns
DESCRIBE "ds_cli_usage_commands_facts";

-- [118] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_commands_label_0_values" AS
  SELECT "Command" AS _value, $other::VARCHAR AS l1,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "Command" FROM "ds_cli_usage_commands_facts") GROUP BY ALL;

-- [119] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_commands_label_0" AS
  SELECT "Command" AS _value, "Command" AS _label, 0 AS _level
  FROM "ds_cli_usage_commands_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_commands_label_0_vm" AS
  SELECT DISTINCT f."Command" AS _value, f.machine_id FROM "ds_cli_usage_commands_facts" f
  ANTI JOIN "ds_cli_usage_commands_label_0" t ON t._value = f."Command";
INSERT INTO "ds_cli_usage_commands_label_0"
  SELECT _value, _value, 0 FROM "ds_cli_usage_commands_label_0_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [120] $level = 1
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_commands_label_0_values" v ANTI JOIN "ds_cli_usage_commands_label_0" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l1 FROM unresolved;
INSERT INTO "ds_cli_usage_commands_label_0"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [121] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_cli_usage_commands_label_0_values";

-- [122] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_cli_usage_commands_label_0_values"; DROP TABLE "ds_cli_usage_commands_label_0_vm";

-- [123] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_cli_usage_commands_label_0" GROUP BY _level ORDER BY _level;

-- [124] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_commands_label_1_values" AS
  SELECT "OSFamily" AS _value, $other::VARCHAR AS l1,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "OSFamily" FROM "ds_cli_usage_commands_facts") GROUP BY ALL;

-- [125] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_commands_label_1" AS
  SELECT "OSFamily" AS _value, "OSFamily" AS _label, 0 AS _level
  FROM "ds_cli_usage_commands_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_commands_label_1_vm" AS
  SELECT DISTINCT f."OSFamily" AS _value, f.machine_id FROM "ds_cli_usage_commands_facts" f
  ANTI JOIN "ds_cli_usage_commands_label_1" t ON t._value = f."OSFamily";
INSERT INTO "ds_cli_usage_commands_label_1"
  SELECT _value, _value, 0 FROM "ds_cli_usage_commands_label_1_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [126] $level = 1
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_commands_label_1_values" v ANTI JOIN "ds_cli_usage_commands_label_1" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l1 FROM unresolved;
INSERT INTO "ds_cli_usage_commands_label_1"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [127] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_cli_usage_commands_label_1_values";

-- [128] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_cli_usage_commands_label_1_values"; DROP TABLE "ds_cli_usage_commands_label_1_vm";

-- [129] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_cli_usage_commands_label_1" GROUP BY _level ORDER BY _level;

-- [130] no parameters
-- cells.sql: time_codes
-- Every value of the time column gets a code in its order: batches are ranges of codes.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_commands_time_codes" AS
  SELECT (row_number() OVER (ORDER BY _value) - 1)::BIGINT AS _code, _value, _value::VARCHAR AS _text
  FROM (SELECT DISTINCT "Timestamp" AS _value FROM "ds_cli_usage_commands_facts");

-- [131] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_commands_label_0_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_cli_usage_commands_label_0" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_commands_label_0" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_cli_usage_commands_label_0" l JOIN "ds_cli_usage_commands_label_0_codes" c ON c._text = l._label;

-- [132] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_commands_label_1_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_cli_usage_commands_label_1" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_commands_label_1" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_cli_usage_commands_label_1" l JOIN "ds_cli_usage_commands_label_1_codes" c ON c._text = l._label;

-- [133] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_commands_label_1_codes";

-- [134] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_commands_label_0_codes";

-- [135] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_commands_time_codes";

-- [136] no parameters
-- cells.sql: cell_tables
-- The packed record (which machine's events went into which row, by key), the rows, and the record with
-- the row's key spelled out. TEMP  keeps the record out of the database file unless a revision
-- will ATTACH it. Table definitions take no parameters.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_commands_assigned_packed" (_key BIGINT, machine_id UBIGINT, _events BIGINT, _stage TINYINT);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_commands_rows" ("Timestamp" VARCHAR, "Command" VARCHAR, "OSFamily" VARCHAR, _key BIGINT, _value BIGINT, _machines BIGINT, _raw_events BIGINT, _stage INTEGER, _published BOOLEAN, _secondary BOOLEAN DEFAULT false);
CREATE OR REPLACE TEMP VIEW "ds_cli_usage_commands_assigned" AS
  SELECT r."Timestamp", r."Command", r."OSFamily", a.machine_id, a._events, a._stage::INTEGER AS _stage
  FROM "ds_cli_usage_commands_assigned_packed" a JOIN "ds_cli_usage_commands_rows" r USING (_key);

-- [137] no parameters
-- cells.sql: fact_time_codes
-- The first and last codes of the time values the facts hold: a shard's facts hold some days of the quarter.
SELECT min(_code)::BIGINT AS first, max(_code)::BIGINT AS last
FROM "ds_cli_usage_commands_time_codes" WHERE _value IN (SELECT DISTINCT "Timestamp" FROM "ds_cli_usage_commands_facts");

-- [138] $first_code = 0, $last_code = 1, $k = 10, $stage_detail = 0, $stage_generalised = 1, $stage_remainder = 2, $step1_mask = "14", $step2_mask = "8", $shift_time = 3, $shift_0 = 1, $shift_1 = 0
-- cells.sql: batch_pairs
-- One batch of time codes ($first_code .. $last_code), from facts to every (key, machine) pair in its final
-- row. `labelled`: the facts with their quarter-wide labels as one key. `pairs0`: facts can share a pair
-- only through a label several values share, so only those are grouped (grouping all of them was a third
-- of the cell stage). Then the remainder steps, and `settled`: every pair of every step that stopped
-- moving; `merged`: the keys kept at one step that received pairs again at a later one, regrouped here.
INSERT INTO "ds_cli_usage_commands_assigned_packed"
  WITH labelled AS MATERIALIZED (
    SELECT (t._code::BIGINT << $shift_time) /* Timestamp */
             | (l0._code::BIGINT << $shift_0) /* Command */
             | (l1._code::BIGINT << $shift_1) /* OSFamily */ AS _key, f.machine_id, f._events,
           (CASE WHEN l0._level > 0 OR l1._level > 0 THEN $stage_generalised ELSE $stage_detail END)::TINYINT AS _stage,
           l0._shared OR l1._shared AS _shared
    FROM "ds_cli_usage_commands_facts" f
    JOIN "ds_cli_usage_commands_time_codes" t ON t._value = f."Timestamp"
    JOIN "ds_cli_usage_commands_label_0" l0 ON l0._value = f."Command"
    JOIN "ds_cli_usage_commands_label_1" l1 ON l1._value = f."OSFamily"
    WHERE t._code BETWEEN $first_code AND $last_code),
  pairs0 AS MATERIALIZED (
    SELECT _key, machine_id, _events, _stage FROM labelled WHERE NOT _shared
    UNION ALL
    SELECT _key, machine_id, sum(_events)::BIGINT, max(_stage)::TINYINT FROM labelled WHERE _shared GROUP BY _key, machine_id),
  -- cells.sql: remainder_step
-- A remainder step's CTEs (a fragment of batch_pairs). counted0: the machines of each key among the
-- pairs still moving; a key with k of them, or one an earlier step kept (false), keeps its pairs for
-- good (kept0). The others' pairs get the step's fields cleared to "Other" and merge by key as
-- pairs1: remainder step 1 clears OSFamily.
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
-- pairs2: remainder step 2 clears Command, OSFamily.
counted1 AS MATERIALIZED (
    SELECT _key, count(*) >= $k AS _enough, _key IN (SELECT _key FROM kept0) AS _merges FROM pairs1 GROUP BY _key),
  kept1 AS MATERIALIZED (
    SELECT _key FROM kept0 UNION ALL SELECT _key FROM counted1 WHERE _enough AND NOT _merges),
  pairs2 AS MATERIALIZED (
    SELECT _key & $step2_mask::BIGINT AS _key, machine_id, sum(_events)::BIGINT AS _events, $stage_remainder::TINYINT AS _stage
    FROM pairs1 SEMI JOIN (SELECT _key FROM counted1 WHERE NOT (_enough OR _merges)) USING (_key)
    GROUP BY ALL),
  -- cells.sql: last_count
-- After the last remainder step: what is still under k stays where it is, to be suppressed.
counted2 AS MATERIALIZED (
    SELECT _key, count(*) >= $k AS _enough, _key IN (SELECT _key FROM kept1) AS _merges FROM pairs2 GROUP BY _key),
  settled AS (
    SELECT * FROM pairs0 SEMI JOIN (SELECT _key FROM counted0 WHERE _enough OR _merges) USING (_key)
    UNION ALL SELECT * FROM pairs1 SEMI JOIN (SELECT _key FROM counted1 WHERE _enough OR _merges) USING (_key)
    UNION ALL SELECT * FROM pairs2),
  merged AS MATERIALIZED (
    SELECT _key FROM counted0 WHERE _merges UNION ALL SELECT _key FROM counted1 WHERE _merges UNION ALL SELECT _key FROM counted2 WHERE _merges)
  SELECT _key, machine_id, _events, _stage FROM settled WHERE _key NOT IN (SELECT _key FROM merged)
  UNION ALL
  SELECT _key, machine_id, sum(_events)::BIGINT, max(_stage)::TINYINT FROM settled WHERE _key IN (SELECT _key FROM merged) GROUP BY ALL;

-- [139] $k = 10, $low_key = "0", $high_key = "15", $shift_time = 3, $shift_0 = 1, $shift_1 = 0, $field_mask_time = "1", $field_mask_0 = "3", $field_mask_1 = "1", $cap = 500
-- cells.sql: batch_rows
-- The batch's rows from its pairs, found by their key range ($low_key .. $high_key: time takes the top
-- bits and batches are inserted in order), each key's fields decoded back to text.
INSERT INTO "ds_cli_usage_commands_rows"
  SELECT d0._text, d1._text, d2._text, r.*, false
  FROM (SELECT _key, sum(least(_events, $cap::BIGINT))::BIGINT AS _value, count(*)::BIGINT AS _machines, sum(_events)::BIGINT AS _raw_events,
               max(_stage)::INTEGER AS _stage, count(*) >= $k AS _published
        FROM "ds_cli_usage_commands_assigned_packed" WHERE _key BETWEEN $low_key::BIGINT AND $high_key::BIGINT GROUP BY _key) r
  JOIN "ds_cli_usage_commands_time_codes" d0 ON d0._code = ((r._key >> $shift_time) & $field_mask_time::BIGINT) /* Timestamp */
  JOIN "ds_cli_usage_commands_label_0_codes" d1 ON d1._code = ((r._key >> $shift_0) & $field_mask_0::BIGINT) /* Command */
  JOIN "ds_cli_usage_commands_label_1_codes" d2 ON d2._code = ((r._key >> $shift_1) & $field_mask_1::BIGINT) /* OSFamily */;

-- [140] no parameters
-- facts.sql: query_view
-- The dataset's query.sql as a view. A view cannot hold a bound parameter, and the query has none.
CREATE OR REPLACE TEMP VIEW "ds_cli_usage_geography_query" AS -- cli-usage-geography: the events of cli-usage (same filter, same machines) counted by Geography and Command only.
--
-- A member of the cli-usage family (population "cli-usage" in dataset.json): the job protects the family
-- together, so no difference between this table and another of the family reveals a figure under k.
-- The WHERE clause must stay that of cli-usage/query.sql: the family counts the same events.
SELECT
  e.day                                          AS "Timestamp",
  e.machine_id                                   AS machine_id,
  g.country                                      AS "Geography",
  coalesce(g.continent, 'Unknown')               AS continent,
  e.command                                      AS "Command"
FROM events e
LEFT JOIN prefix_geo g USING (ip_prefix)
WHERE e.event = 'command'
  AND e.environment = 'production';

-- [141] no parameters
-- facts.sql: describe_query
DESCRIBE SELECT * FROM "ds_cli_usage_geography_query";

-- [142] no parameters
-- facts.sql: create_facts
-- Empty, with the columns and types of the batches inserted below.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_facts" AS SELECT "Timestamp", "machine_id", coalesce(CAST("Geography" AS VARCHAR), 'Unknown') AS "Geography", "continent", coalesce(CAST("Command" AS VARCHAR), 'Unknown') AS "Command", 0::BIGINT AS _events FROM "ds_cli_usage_geography_query" LIMIT 0;

-- [143] no parameters
-- facts.sql: insert_facts_days
-- One batch of days of a DATE time column: a range on the column's own type, so DuckDB skips the row
-- groups of other days. The days are DATE literals rendered by facts.ts, not parameters: measured on
-- 10M events (runs alternated on one database), bound days made these batches 20-40% slower.
INSERT INTO "ds_cli_usage_geography_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("Geography" AS VARCHAR), 'Unknown') AS "Geography", "continent", coalesce(CAST("Command" AS VARCHAR), 'Unknown') AS "Command", count(*)::BIGINT FROM "ds_cli_usage_geography_query"
  WHERE "Timestamp" BETWEEN DATE '2026-07-01' AND DATE '2026-09-30'
  GROUP BY ALL;

-- [144] no parameters
-- facts.sql: insert_facts_outside_days
-- The last batch of a DATE time column: rows without a time (refused just after) and days outside the
-- quarter (literals, as above).
INSERT INTO "ds_cli_usage_geography_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("Geography" AS VARCHAR), 'Unknown') AS "Geography", "continent", coalesce(CAST("Command" AS VARCHAR), 'Unknown') AS "Command", count(*)::BIGINT FROM "ds_cli_usage_geography_query"
  WHERE "Timestamp" IS NULL OR "Timestamp" NOT BETWEEN DATE '2026-07-01' AND DATE '2026-09-30'
  GROUP BY ALL;

-- [145] no parameters
-- facts.sql: count_untimed
SELECT count(*)::BIGINT AS n FROM "ds_cli_usage_geography_facts" WHERE "Timestamp" IS NULL;

-- [146] no parameters
-- contract.sql: foreign_machines
-- Machine ids of the facts that are no machine of the archive.
SELECT count(*)::BIGINT AS n FROM (SELECT DISTINCT machine_id FROM "ds_cli_usage_geography_facts") ANTI JOIN "archive_machines" USING (machine_id);

-- [147] no parameters
-- facts.sql: unclean_values
-- Every dimension's distinct values in one scan: one grouping set per column, in which the other columns
-- are NULL (facts never hold a NULL dimension); the set's GROUPING_ID says which column a value is of.
-- Only the values that normalise to another text come back.
SELECT position, raw, (CASE WHEN left(coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown'), 1) IN ('=', '+', '-', '@') THEN '''' || coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown') ELSE coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown') END) AS clean FROM (
  SELECT CASE GROUPING_ID("Command", "Geography")
           WHEN 1 THEN 0 /* "Command" */
           WHEN 2 THEN 1 /* "Geography" */
         END AS position,
         coalesce("Command", "Geography") AS raw
  FROM "ds_cli_usage_geography_facts" GROUP BY GROUPING SETS (("Command"), ("Geography")))
WHERE clean <> raw;

-- [148] $touched_0 = [" build ","build"]
-- facts.sql: regroup_cleaned
-- The facts holding a value that changes, or the value it changes to, are normalised and regrouped, so
-- facts stay distinct over their columns. $touched_<n> lists the raw and clean values of dimension n.
CREATE OR REPLACE TEMP TABLE _cleaned AS
  SELECT * EXCLUDE (_events) REPLACE ((CASE WHEN left(coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("Command" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("Command" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("Command" AS VARCHAR) END), '"', '''')), ''), 'Unknown'), 1) IN ('=', '+', '-', '@') THEN '''' || coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("Command" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("Command" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("Command" AS VARCHAR) END), '"', '''')), ''), 'Unknown') ELSE coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("Command" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("Command" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("Command" AS VARCHAR) END), '"', '''')), ''), 'Unknown') END) AS "Command", (CASE WHEN left(coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("Geography" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("Geography" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("Geography" AS VARCHAR) END), '"', '''')), ''), 'Unknown'), 1) IN ('=', '+', '-', '@') THEN '''' || coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("Geography" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("Geography" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("Geography" AS VARCHAR) END), '"', '''')), ''), 'Unknown') ELSE coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST("Geography" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST("Geography" AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST("Geography" AS VARCHAR) END), '"', '''')), ''), 'Unknown') END) AS "Geography"), sum(_events)::BIGINT AS _events
  FROM "ds_cli_usage_geography_facts" WHERE list_contains($touched_0, "Command") GROUP BY ALL;
DELETE FROM "ds_cli_usage_geography_facts" WHERE list_contains($touched_0, "Command");
INSERT INTO "ds_cli_usage_geography_facts" BY NAME SELECT * FROM _cleaned;
DROP TABLE _cleaned;

-- [149] $daily_cap = 1000
-- contribution.sql: over_bound
-- The (day, machine) pairs over the bound, with their total.
CREATE OR REPLACE TEMP TABLE "_over_daily_bound" AS
  SELECT "Timestamp" AS _time, machine_id, sum(_events) AS _total FROM "ds_cli_usage_geography_facts" GROUP BY ALL HAVING sum(_events) > $daily_cap;

-- [150] no parameters
-- contribution.sql: count_over
SELECT count(*)::BIGINT AS n FROM "_over_daily_bound";

-- [151] no parameters
-- contribution.sql: drop_over
DROP TABLE "_over_daily_bound";

-- [152] no parameters
-- labels.sql: fact_columns
DESCRIBE "ds_cli_usage_geography_facts";

-- [153] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_label_0_values" AS
  SELECT "Command" AS _value, $other::VARCHAR AS l1,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "Command" FROM "ds_cli_usage_geography_facts") GROUP BY ALL;

-- [154] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_label_0" AS
  SELECT "Command" AS _value, "Command" AS _label, 0 AS _level
  FROM "ds_cli_usage_geography_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_label_0_vm" AS
  SELECT DISTINCT f."Command" AS _value, f.machine_id FROM "ds_cli_usage_geography_facts" f
  ANTI JOIN "ds_cli_usage_geography_label_0" t ON t._value = f."Command";
INSERT INTO "ds_cli_usage_geography_label_0"
  SELECT _value, _value, 0 FROM "ds_cli_usage_geography_label_0_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [155] $level = 1
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_geography_label_0_values" v ANTI JOIN "ds_cli_usage_geography_label_0" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l1 FROM unresolved;
INSERT INTO "ds_cli_usage_geography_label_0"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [156] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_cli_usage_geography_label_0_values";

-- [157] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_cli_usage_geography_label_0_values"; DROP TABLE "ds_cli_usage_geography_label_0_vm";

-- [158] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_cli_usage_geography_label_0" GROUP BY _level ORDER BY _level;

-- [159] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_label_1_values" AS
  SELECT "Geography" AS _value, min(coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((continent) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((continent) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((continent) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((continent) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((continent) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((continent) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((continent) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((continent) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((continent) AS VARCHAR) END), '"', '''') END), ''), 'Other')) AS l1, $other::VARCHAR AS l2,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "Geography", "continent" FROM "ds_cli_usage_geography_facts") GROUP BY ALL;

-- [160] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_label_1" AS
  SELECT "Geography" AS _value, "Geography" AS _label, 0 AS _level
  FROM "ds_cli_usage_geography_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_label_1_vm" AS
  SELECT DISTINCT f."Geography" AS _value, f.machine_id FROM "ds_cli_usage_geography_facts" f
  ANTI JOIN "ds_cli_usage_geography_label_1" t ON t._value = f."Geography";
INSERT INTO "ds_cli_usage_geography_label_1"
  SELECT _value, _value, 0 FROM "ds_cli_usage_geography_label_1_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [161] $k = 10, $level = 1
-- labels.sql: ladder_level
-- Ladder level $level: the values still without a label climb together; a level label with k machines
-- (counted over the values that climbed to it) is theirs.
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_geography_label_1_values" v ANTI JOIN "ds_cli_usage_geography_label_1" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS
  SELECT u.l1 FROM unresolved u
  JOIN "ds_cli_usage_geography_label_1_vm" vm ON vm._value = u._value
  GROUP BY ALL HAVING count(DISTINCT vm.machine_id) >= $k;
INSERT INTO "ds_cli_usage_geography_label_1"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [162] $level = 2
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_geography_label_1_values" v ANTI JOIN "ds_cli_usage_geography_label_1" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l2 FROM unresolved;
INSERT INTO "ds_cli_usage_geography_label_1"
  SELECT u._value, u.l2, $level
  FROM unresolved u SEMI JOIN passing p USING (l2);
DROP TABLE unresolved; DROP TABLE passing;

-- [163] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_cli_usage_geography_label_1_values";

-- [164] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_cli_usage_geography_label_1_values"; DROP TABLE "ds_cli_usage_geography_label_1_vm";

-- [165] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_cli_usage_geography_label_1" GROUP BY _level ORDER BY _level;

-- [166] no parameters
-- cells.sql: time_codes
-- Every value of the time column gets a code in its order: batches are ranges of codes.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_time_codes" AS
  SELECT (row_number() OVER (ORDER BY _value) - 1)::BIGINT AS _code, _value, _value::VARCHAR AS _text
  FROM (SELECT DISTINCT "Timestamp" AS _value FROM "ds_cli_usage_geography_facts");

-- [167] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_label_0_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_cli_usage_geography_label_0" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_label_0" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_cli_usage_geography_label_0" l JOIN "ds_cli_usage_geography_label_0_codes" c ON c._text = l._label;

-- [168] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_label_1_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_cli_usage_geography_label_1" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_label_1" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_cli_usage_geography_label_1" l JOIN "ds_cli_usage_geography_label_1_codes" c ON c._text = l._label;

-- [169] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_geography_label_1_codes";

-- [170] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_geography_label_0_codes";

-- [171] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_geography_time_codes";

-- [172] no parameters
-- cells.sql: cell_tables
-- The packed record (which machine's events went into which row, by key), the rows, and the record with
-- the row's key spelled out. TEMP  keeps the record out of the database file unless a revision
-- will ATTACH it. Table definitions take no parameters.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_assigned_packed" (_key BIGINT, machine_id UBIGINT, _events BIGINT, _stage TINYINT);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_rows" ("Timestamp" VARCHAR, "Command" VARCHAR, "Geography" VARCHAR, _key BIGINT, _value BIGINT, _machines BIGINT, _raw_events BIGINT, _stage INTEGER, _published BOOLEAN, _secondary BOOLEAN DEFAULT false);
CREATE OR REPLACE TEMP VIEW "ds_cli_usage_geography_assigned" AS
  SELECT r."Timestamp", r."Command", r."Geography", a.machine_id, a._events, a._stage::INTEGER AS _stage
  FROM "ds_cli_usage_geography_assigned_packed" a JOIN "ds_cli_usage_geography_rows" r USING (_key);

-- [173] no parameters
-- cells.sql: fact_time_codes
-- The first and last codes of the time values the facts hold: a shard's facts hold some days of the quarter.
SELECT min(_code)::BIGINT AS first, max(_code)::BIGINT AS last
FROM "ds_cli_usage_geography_time_codes" WHERE _value IN (SELECT DISTINCT "Timestamp" FROM "ds_cli_usage_geography_facts");

-- [174] $first_code = 0, $last_code = 1, $k = 10, $stage_detail = 0, $stage_generalised = 1, $stage_remainder = 2, $step1_mask = "9", $step2_mask = "8", $shift_time = 3, $shift_0 = 1, $shift_1 = 0
-- cells.sql: batch_pairs
-- One batch of time codes ($first_code .. $last_code), from facts to every (key, machine) pair in its final
-- row. `labelled`: the facts with their quarter-wide labels as one key. `pairs0`: facts can share a pair
-- only through a label several values share, so only those are grouped (grouping all of them was a third
-- of the cell stage). Then the remainder steps, and `settled`: every pair of every step that stopped
-- moving; `merged`: the keys kept at one step that received pairs again at a later one, regrouped here.
INSERT INTO "ds_cli_usage_geography_assigned_packed"
  WITH labelled AS MATERIALIZED (
    SELECT (t._code::BIGINT << $shift_time) /* Timestamp */
             | (l0._code::BIGINT << $shift_0) /* Command */
             | (l1._code::BIGINT << $shift_1) /* Geography */ AS _key, f.machine_id, f._events,
           (CASE WHEN l0._level > 0 OR l1._level > 0 THEN $stage_generalised ELSE $stage_detail END)::TINYINT AS _stage,
           l0._shared OR l1._shared AS _shared
    FROM "ds_cli_usage_geography_facts" f
    JOIN "ds_cli_usage_geography_time_codes" t ON t._value = f."Timestamp"
    JOIN "ds_cli_usage_geography_label_0" l0 ON l0._value = f."Command"
    JOIN "ds_cli_usage_geography_label_1" l1 ON l1._value = f."Geography"
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
  -- cells.sql: last_count
-- After the last remainder step: what is still under k stays where it is, to be suppressed.
counted2 AS MATERIALIZED (
    SELECT _key, count(*) >= $k AS _enough, _key IN (SELECT _key FROM kept1) AS _merges FROM pairs2 GROUP BY _key),
  settled AS (
    SELECT * FROM pairs0 SEMI JOIN (SELECT _key FROM counted0 WHERE _enough OR _merges) USING (_key)
    UNION ALL SELECT * FROM pairs1 SEMI JOIN (SELECT _key FROM counted1 WHERE _enough OR _merges) USING (_key)
    UNION ALL SELECT * FROM pairs2),
  merged AS MATERIALIZED (
    SELECT _key FROM counted0 WHERE _merges UNION ALL SELECT _key FROM counted1 WHERE _merges UNION ALL SELECT _key FROM counted2 WHERE _merges)
  SELECT _key, machine_id, _events, _stage FROM settled WHERE _key NOT IN (SELECT _key FROM merged)
  UNION ALL
  SELECT _key, machine_id, sum(_events)::BIGINT, max(_stage)::TINYINT FROM settled WHERE _key IN (SELECT _key FROM merged) GROUP BY ALL;

-- [175] $k = 10, $low_key = "0", $high_key = "15", $shift_time = 3, $shift_0 = 1, $shift_1 = 0, $field_mask_time = "1", $field_mask_0 = "3", $field_mask_1 = "1", $cap = 500
-- cells.sql: batch_rows
-- The batch's rows from its pairs, found by their key range ($low_key .. $high_key: time takes the top
-- bits and batches are inserted in order), each key's fields decoded back to text.
INSERT INTO "ds_cli_usage_geography_rows"
  SELECT d0._text, d1._text, d2._text, r.*, false
  FROM (SELECT _key, sum(least(_events, $cap::BIGINT))::BIGINT AS _value, count(*)::BIGINT AS _machines, sum(_events)::BIGINT AS _raw_events,
               max(_stage)::INTEGER AS _stage, count(*) >= $k AS _published
        FROM "ds_cli_usage_geography_assigned_packed" WHERE _key BETWEEN $low_key::BIGINT AND $high_key::BIGINT GROUP BY _key) r
  JOIN "ds_cli_usage_geography_time_codes" d0 ON d0._code = ((r._key >> $shift_time) & $field_mask_time::BIGINT) /* Timestamp */
  JOIN "ds_cli_usage_geography_label_0_codes" d1 ON d1._code = ((r._key >> $shift_0) & $field_mask_0::BIGINT) /* Command */
  JOIN "ds_cli_usage_geography_label_1_codes" d2 ON d2._code = ((r._key >> $shift_1) & $field_mask_1::BIGINT) /* Geography */;

-- [176] no parameters
-- facts.sql: query_view
-- The dataset's query.sql as a view. A view cannot hold a bound parameter, and the query has none.
CREATE OR REPLACE TEMP VIEW "ds_cli_usage_geography_os_query" AS -- cli-usage-geography-os: the events of cli-usage (same filter, same machines) counted by Geography and OSFamily only.
--
-- A member of the cli-usage family (population "cli-usage" in dataset.json): the job protects the family
-- together, so no difference between this table and another of the family reveals a figure under k.
-- The WHERE clause must stay that of cli-usage/query.sql: the family counts the same events.
SELECT
  e.day                                          AS "Timestamp",
  e.machine_id                                   AS machine_id,
  g.country                                      AS "Geography",
  coalesce(g.continent, 'Unknown')               AS continent,
  e.os_family                                    AS "OSFamily"
FROM events e
LEFT JOIN prefix_geo g USING (ip_prefix)
WHERE e.event = 'command'
  AND e.environment = 'production';

-- [177] no parameters
-- facts.sql: describe_query
DESCRIBE SELECT * FROM "ds_cli_usage_geography_os_query";

-- [178] no parameters
-- facts.sql: create_facts
-- Empty, with the columns and types of the batches inserted below.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_os_facts" AS SELECT "Timestamp", "machine_id", coalesce(CAST("Geography" AS VARCHAR), 'Unknown') AS "Geography", "continent", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", 0::BIGINT AS _events FROM "ds_cli_usage_geography_os_query" LIMIT 0;

-- [179] no parameters
-- facts.sql: insert_facts_days
-- One batch of days of a DATE time column: a range on the column's own type, so DuckDB skips the row
-- groups of other days. The days are DATE literals rendered by facts.ts, not parameters: measured on
-- 10M events (runs alternated on one database), bound days made these batches 20-40% slower.
INSERT INTO "ds_cli_usage_geography_os_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("Geography" AS VARCHAR), 'Unknown') AS "Geography", "continent", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", count(*)::BIGINT FROM "ds_cli_usage_geography_os_query"
  WHERE "Timestamp" BETWEEN DATE '2026-07-01' AND DATE '2026-09-30'
  GROUP BY ALL;

-- [180] no parameters
-- facts.sql: insert_facts_outside_days
-- The last batch of a DATE time column: rows without a time (refused just after) and days outside the
-- quarter (literals, as above).
INSERT INTO "ds_cli_usage_geography_os_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("Geography" AS VARCHAR), 'Unknown') AS "Geography", "continent", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", count(*)::BIGINT FROM "ds_cli_usage_geography_os_query"
  WHERE "Timestamp" IS NULL OR "Timestamp" NOT BETWEEN DATE '2026-07-01' AND DATE '2026-09-30'
  GROUP BY ALL;

-- [181] no parameters
-- facts.sql: count_untimed
SELECT count(*)::BIGINT AS n FROM "ds_cli_usage_geography_os_facts" WHERE "Timestamp" IS NULL;

-- [182] no parameters
-- contract.sql: foreign_machines
-- Machine ids of the facts that are no machine of the archive.
SELECT count(*)::BIGINT AS n FROM (SELECT DISTINCT machine_id FROM "ds_cli_usage_geography_os_facts") ANTI JOIN "archive_machines" USING (machine_id);

-- [183] no parameters
-- facts.sql: unclean_values
-- Every dimension's distinct values in one scan: one grouping set per column, in which the other columns
-- are NULL (facts never hold a NULL dimension); the set's GROUPING_ID says which column a value is of.
-- Only the values that normalise to another text come back.
SELECT position, raw, (CASE WHEN left(coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown'), 1) IN ('=', '+', '-', '@') THEN '''' || coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown') ELSE coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown') END) AS clean FROM (
  SELECT CASE GROUPING_ID("OSFamily", "Geography")
           WHEN 1 THEN 0 /* "OSFamily" */
           WHEN 2 THEN 1 /* "Geography" */
         END AS position,
         coalesce("OSFamily", "Geography") AS raw
  FROM "ds_cli_usage_geography_os_facts" GROUP BY GROUPING SETS (("OSFamily"), ("Geography")))
WHERE clean <> raw;

-- [184] $daily_cap = 1000
-- contribution.sql: over_bound
-- The (day, machine) pairs over the bound, with their total.
CREATE OR REPLACE TEMP TABLE "_over_daily_bound" AS
  SELECT "Timestamp" AS _time, machine_id, sum(_events) AS _total FROM "ds_cli_usage_geography_os_facts" GROUP BY ALL HAVING sum(_events) > $daily_cap;

-- [185] no parameters
-- contribution.sql: count_over
SELECT count(*)::BIGINT AS n FROM "_over_daily_bound";

-- [186] no parameters
-- contribution.sql: drop_over
DROP TABLE "_over_daily_bound";

-- [187] no parameters
-- labels.sql: fact_columns
DESCRIBE "ds_cli_usage_geography_os_facts";

-- [188] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_os_label_0_values" AS
  SELECT "OSFamily" AS _value, $other::VARCHAR AS l1,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "OSFamily" FROM "ds_cli_usage_geography_os_facts") GROUP BY ALL;

-- [189] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_os_label_0" AS
  SELECT "OSFamily" AS _value, "OSFamily" AS _label, 0 AS _level
  FROM "ds_cli_usage_geography_os_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_os_label_0_vm" AS
  SELECT DISTINCT f."OSFamily" AS _value, f.machine_id FROM "ds_cli_usage_geography_os_facts" f
  ANTI JOIN "ds_cli_usage_geography_os_label_0" t ON t._value = f."OSFamily";
INSERT INTO "ds_cli_usage_geography_os_label_0"
  SELECT _value, _value, 0 FROM "ds_cli_usage_geography_os_label_0_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [190] $level = 1
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_geography_os_label_0_values" v ANTI JOIN "ds_cli_usage_geography_os_label_0" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l1 FROM unresolved;
INSERT INTO "ds_cli_usage_geography_os_label_0"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [191] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_cli_usage_geography_os_label_0_values";

-- [192] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_cli_usage_geography_os_label_0_values"; DROP TABLE "ds_cli_usage_geography_os_label_0_vm";

-- [193] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_cli_usage_geography_os_label_0" GROUP BY _level ORDER BY _level;

-- [194] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_os_label_1_values" AS
  SELECT "Geography" AS _value, min(coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((continent) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((continent) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((continent) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((continent) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((continent) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((continent) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((continent) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((continent) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((continent) AS VARCHAR) END), '"', '''') END), ''), 'Other')) AS l1, $other::VARCHAR AS l2,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "Geography", "continent" FROM "ds_cli_usage_geography_os_facts") GROUP BY ALL;

-- [195] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_os_label_1" AS
  SELECT "Geography" AS _value, "Geography" AS _label, 0 AS _level
  FROM "ds_cli_usage_geography_os_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_os_label_1_vm" AS
  SELECT DISTINCT f."Geography" AS _value, f.machine_id FROM "ds_cli_usage_geography_os_facts" f
  ANTI JOIN "ds_cli_usage_geography_os_label_1" t ON t._value = f."Geography";
INSERT INTO "ds_cli_usage_geography_os_label_1"
  SELECT _value, _value, 0 FROM "ds_cli_usage_geography_os_label_1_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [196] $k = 10, $level = 1
-- labels.sql: ladder_level
-- Ladder level $level: the values still without a label climb together; a level label with k machines
-- (counted over the values that climbed to it) is theirs.
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_geography_os_label_1_values" v ANTI JOIN "ds_cli_usage_geography_os_label_1" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS
  SELECT u.l1 FROM unresolved u
  JOIN "ds_cli_usage_geography_os_label_1_vm" vm ON vm._value = u._value
  GROUP BY ALL HAVING count(DISTINCT vm.machine_id) >= $k;
INSERT INTO "ds_cli_usage_geography_os_label_1"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [197] $level = 2
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_geography_os_label_1_values" v ANTI JOIN "ds_cli_usage_geography_os_label_1" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l2 FROM unresolved;
INSERT INTO "ds_cli_usage_geography_os_label_1"
  SELECT u._value, u.l2, $level
  FROM unresolved u SEMI JOIN passing p USING (l2);
DROP TABLE unresolved; DROP TABLE passing;

-- [198] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_cli_usage_geography_os_label_1_values";

-- [199] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_cli_usage_geography_os_label_1_values"; DROP TABLE "ds_cli_usage_geography_os_label_1_vm";

-- [200] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_cli_usage_geography_os_label_1" GROUP BY _level ORDER BY _level;

-- [201] no parameters
-- cells.sql: time_codes
-- Every value of the time column gets a code in its order: batches are ranges of codes.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_os_time_codes" AS
  SELECT (row_number() OVER (ORDER BY _value) - 1)::BIGINT AS _code, _value, _value::VARCHAR AS _text
  FROM (SELECT DISTINCT "Timestamp" AS _value FROM "ds_cli_usage_geography_os_facts");

-- [202] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_os_label_0_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_cli_usage_geography_os_label_0" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_os_label_0" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_cli_usage_geography_os_label_0" l JOIN "ds_cli_usage_geography_os_label_0_codes" c ON c._text = l._label;

-- [203] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_os_label_1_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_cli_usage_geography_os_label_1" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_os_label_1" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_cli_usage_geography_os_label_1" l JOIN "ds_cli_usage_geography_os_label_1_codes" c ON c._text = l._label;

-- [204] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_geography_os_label_1_codes";

-- [205] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_geography_os_label_0_codes";

-- [206] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_geography_os_time_codes";

-- [207] no parameters
-- cells.sql: cell_tables
-- The packed record (which machine's events went into which row, by key), the rows, and the record with
-- the row's key spelled out. TEMP  keeps the record out of the database file unless a revision
-- will ATTACH it. Table definitions take no parameters.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_os_assigned_packed" (_key BIGINT, machine_id UBIGINT, _events BIGINT, _stage TINYINT);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_geography_os_rows" ("Timestamp" VARCHAR, "OSFamily" VARCHAR, "Geography" VARCHAR, _key BIGINT, _value BIGINT, _machines BIGINT, _raw_events BIGINT, _stage INTEGER, _published BOOLEAN, _secondary BOOLEAN DEFAULT false);
CREATE OR REPLACE TEMP VIEW "ds_cli_usage_geography_os_assigned" AS
  SELECT r."Timestamp", r."OSFamily", r."Geography", a.machine_id, a._events, a._stage::INTEGER AS _stage
  FROM "ds_cli_usage_geography_os_assigned_packed" a JOIN "ds_cli_usage_geography_os_rows" r USING (_key);

-- [208] no parameters
-- cells.sql: fact_time_codes
-- The first and last codes of the time values the facts hold: a shard's facts hold some days of the quarter.
SELECT min(_code)::BIGINT AS first, max(_code)::BIGINT AS last
FROM "ds_cli_usage_geography_os_time_codes" WHERE _value IN (SELECT DISTINCT "Timestamp" FROM "ds_cli_usage_geography_os_facts");

-- [209] $first_code = 0, $last_code = 1, $k = 10, $stage_detail = 0, $stage_generalised = 1, $stage_remainder = 2, $step1_mask = "5", $step2_mask = "4", $shift_time = 2, $shift_0 = 1, $shift_1 = 0
-- cells.sql: batch_pairs
-- One batch of time codes ($first_code .. $last_code), from facts to every (key, machine) pair in its final
-- row. `labelled`: the facts with their quarter-wide labels as one key. `pairs0`: facts can share a pair
-- only through a label several values share, so only those are grouped (grouping all of them was a third
-- of the cell stage). Then the remainder steps, and `settled`: every pair of every step that stopped
-- moving; `merged`: the keys kept at one step that received pairs again at a later one, regrouped here.
INSERT INTO "ds_cli_usage_geography_os_assigned_packed"
  WITH labelled AS MATERIALIZED (
    SELECT (t._code::BIGINT << $shift_time) /* Timestamp */
             | (l0._code::BIGINT << $shift_0) /* OSFamily */
             | (l1._code::BIGINT << $shift_1) /* Geography */ AS _key, f.machine_id, f._events,
           (CASE WHEN l0._level > 0 OR l1._level > 0 THEN $stage_generalised ELSE $stage_detail END)::TINYINT AS _stage,
           l0._shared OR l1._shared AS _shared
    FROM "ds_cli_usage_geography_os_facts" f
    JOIN "ds_cli_usage_geography_os_time_codes" t ON t._value = f."Timestamp"
    JOIN "ds_cli_usage_geography_os_label_0" l0 ON l0._value = f."OSFamily"
    JOIN "ds_cli_usage_geography_os_label_1" l1 ON l1._value = f."Geography"
    WHERE t._code BETWEEN $first_code AND $last_code),
  pairs0 AS MATERIALIZED (
    SELECT _key, machine_id, _events, _stage FROM labelled WHERE NOT _shared
    UNION ALL
    SELECT _key, machine_id, sum(_events)::BIGINT, max(_stage)::TINYINT FROM labelled WHERE _shared GROUP BY _key, machine_id),
  -- cells.sql: remainder_step
-- A remainder step's CTEs (a fragment of batch_pairs). counted0: the machines of each key among the
-- pairs still moving; a key with k of them, or one an earlier step kept (false), keeps its pairs for
-- good (kept0). The others' pairs get the step's fields cleared to "Other" and merge by key as
-- pairs1: remainder step 1 clears OSFamily.
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
-- pairs2: remainder step 2 clears OSFamily, Geography.
counted1 AS MATERIALIZED (
    SELECT _key, count(*) >= $k AS _enough, _key IN (SELECT _key FROM kept0) AS _merges FROM pairs1 GROUP BY _key),
  kept1 AS MATERIALIZED (
    SELECT _key FROM kept0 UNION ALL SELECT _key FROM counted1 WHERE _enough AND NOT _merges),
  pairs2 AS MATERIALIZED (
    SELECT _key & $step2_mask::BIGINT AS _key, machine_id, sum(_events)::BIGINT AS _events, $stage_remainder::TINYINT AS _stage
    FROM pairs1 SEMI JOIN (SELECT _key FROM counted1 WHERE NOT (_enough OR _merges)) USING (_key)
    GROUP BY ALL),
  -- cells.sql: last_count
-- After the last remainder step: what is still under k stays where it is, to be suppressed.
counted2 AS MATERIALIZED (
    SELECT _key, count(*) >= $k AS _enough, _key IN (SELECT _key FROM kept1) AS _merges FROM pairs2 GROUP BY _key),
  settled AS (
    SELECT * FROM pairs0 SEMI JOIN (SELECT _key FROM counted0 WHERE _enough OR _merges) USING (_key)
    UNION ALL SELECT * FROM pairs1 SEMI JOIN (SELECT _key FROM counted1 WHERE _enough OR _merges) USING (_key)
    UNION ALL SELECT * FROM pairs2),
  merged AS MATERIALIZED (
    SELECT _key FROM counted0 WHERE _merges UNION ALL SELECT _key FROM counted1 WHERE _merges UNION ALL SELECT _key FROM counted2 WHERE _merges)
  SELECT _key, machine_id, _events, _stage FROM settled WHERE _key NOT IN (SELECT _key FROM merged)
  UNION ALL
  SELECT _key, machine_id, sum(_events)::BIGINT, max(_stage)::TINYINT FROM settled WHERE _key IN (SELECT _key FROM merged) GROUP BY ALL;

-- [210] $k = 10, $low_key = "0", $high_key = "7", $shift_time = 2, $shift_0 = 1, $shift_1 = 0, $field_mask_time = "1", $field_mask_0 = "1", $field_mask_1 = "1", $cap = 500
-- cells.sql: batch_rows
-- The batch's rows from its pairs, found by their key range ($low_key .. $high_key: time takes the top
-- bits and batches are inserted in order), each key's fields decoded back to text.
INSERT INTO "ds_cli_usage_geography_os_rows"
  SELECT d0._text, d1._text, d2._text, r.*, false
  FROM (SELECT _key, sum(least(_events, $cap::BIGINT))::BIGINT AS _value, count(*)::BIGINT AS _machines, sum(_events)::BIGINT AS _raw_events,
               max(_stage)::INTEGER AS _stage, count(*) >= $k AS _published
        FROM "ds_cli_usage_geography_os_assigned_packed" WHERE _key BETWEEN $low_key::BIGINT AND $high_key::BIGINT GROUP BY _key) r
  JOIN "ds_cli_usage_geography_os_time_codes" d0 ON d0._code = ((r._key >> $shift_time) & $field_mask_time::BIGINT) /* Timestamp */
  JOIN "ds_cli_usage_geography_os_label_0_codes" d1 ON d1._code = ((r._key >> $shift_0) & $field_mask_0::BIGINT) /* OSFamily */
  JOIN "ds_cli_usage_geography_os_label_1_codes" d2 ON d2._code = ((r._key >> $shift_1) & $field_mask_1::BIGINT) /* Geography */;

-- [211] no parameters
-- facts.sql: query_view
-- The dataset's query.sql as a view. A view cannot hold a bound parameter, and the query has none.
CREATE OR REPLACE TEMP VIEW "ds_cli_usage_os_query" AS -- cli-usage-os: the events of cli-usage (same filter, same machines) counted by OSFamily and OSVersion only.
--
-- A member of the cli-usage family (population "cli-usage" in dataset.json): the job protects the family
-- together, so no difference between this table and another of the family reveals a figure under k.
-- The WHERE clause must stay that of cli-usage/query.sql: the family counts the same events.
SELECT
  e.day                                          AS "Timestamp",
  e.machine_id                                   AS machine_id,
  e.os_family                                    AS "OSFamily",
  e.os_version                                   AS "OSVersion"
FROM events e
WHERE e.event = 'command'
  AND e.environment = 'production';

-- [212] no parameters
-- facts.sql: describe_query
DESCRIBE SELECT * FROM "ds_cli_usage_os_query";

-- [213] no parameters
-- facts.sql: create_facts
-- Empty, with the columns and types of the batches inserted below.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_os_facts" AS SELECT "Timestamp", "machine_id", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", coalesce(CAST("OSVersion" AS VARCHAR), 'Unknown') AS "OSVersion", 0::BIGINT AS _events FROM "ds_cli_usage_os_query" LIMIT 0;

-- [214] no parameters
-- facts.sql: insert_facts_days
-- One batch of days of a DATE time column: a range on the column's own type, so DuckDB skips the row
-- groups of other days. The days are DATE literals rendered by facts.ts, not parameters: measured on
-- 10M events (runs alternated on one database), bound days made these batches 20-40% slower.
INSERT INTO "ds_cli_usage_os_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", coalesce(CAST("OSVersion" AS VARCHAR), 'Unknown') AS "OSVersion", count(*)::BIGINT FROM "ds_cli_usage_os_query"
  WHERE "Timestamp" BETWEEN DATE '2026-07-01' AND DATE '2026-09-30'
  GROUP BY ALL;

-- [215] no parameters
-- facts.sql: insert_facts_outside_days
-- The last batch of a DATE time column: rows without a time (refused just after) and days outside the
-- quarter (literals, as above).
INSERT INTO "ds_cli_usage_os_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", coalesce(CAST("OSVersion" AS VARCHAR), 'Unknown') AS "OSVersion", count(*)::BIGINT FROM "ds_cli_usage_os_query"
  WHERE "Timestamp" IS NULL OR "Timestamp" NOT BETWEEN DATE '2026-07-01' AND DATE '2026-09-30'
  GROUP BY ALL;

-- [216] no parameters
-- facts.sql: count_untimed
SELECT count(*)::BIGINT AS n FROM "ds_cli_usage_os_facts" WHERE "Timestamp" IS NULL;

-- [217] no parameters
-- contract.sql: foreign_machines
-- Machine ids of the facts that are no machine of the archive.
SELECT count(*)::BIGINT AS n FROM (SELECT DISTINCT machine_id FROM "ds_cli_usage_os_facts") ANTI JOIN "archive_machines" USING (machine_id);

-- [218] no parameters
-- facts.sql: unclean_values
-- Every dimension's distinct values in one scan: one grouping set per column, in which the other columns
-- are NULL (facts never hold a NULL dimension); the set's GROUPING_ID says which column a value is of.
-- Only the values that normalise to another text come back.
SELECT position, raw, (CASE WHEN left(coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown'), 1) IN ('=', '+', '-', '@') THEN '''' || coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown') ELSE coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown') END) AS clean FROM (
  SELECT CASE GROUPING_ID("OSFamily", "OSVersion")
           WHEN 1 THEN 0 /* "OSFamily" */
           WHEN 2 THEN 1 /* "OSVersion" */
         END AS position,
         coalesce("OSFamily", "OSVersion") AS raw
  FROM "ds_cli_usage_os_facts" GROUP BY GROUPING SETS (("OSFamily"), ("OSVersion")))
WHERE clean <> raw;

-- [219] $daily_cap = 1000
-- contribution.sql: over_bound
-- The (day, machine) pairs over the bound, with their total.
CREATE OR REPLACE TEMP TABLE "_over_daily_bound" AS
  SELECT "Timestamp" AS _time, machine_id, sum(_events) AS _total FROM "ds_cli_usage_os_facts" GROUP BY ALL HAVING sum(_events) > $daily_cap;

-- [220] no parameters
-- contribution.sql: count_over
SELECT count(*)::BIGINT AS n FROM "_over_daily_bound";

-- [221] no parameters
-- contribution.sql: drop_over
DROP TABLE "_over_daily_bound";

-- [222] no parameters
-- labels.sql: fact_columns
DESCRIBE "ds_cli_usage_os_facts";

-- [223] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_os_label_0_values" AS
  SELECT "OSFamily" AS _value, $other::VARCHAR AS l1,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "OSFamily" FROM "ds_cli_usage_os_facts") GROUP BY ALL;

-- [224] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_os_label_0" AS
  SELECT "OSFamily" AS _value, "OSFamily" AS _label, 0 AS _level
  FROM "ds_cli_usage_os_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_os_label_0_vm" AS
  SELECT DISTINCT f."OSFamily" AS _value, f.machine_id FROM "ds_cli_usage_os_facts" f
  ANTI JOIN "ds_cli_usage_os_label_0" t ON t._value = f."OSFamily";
INSERT INTO "ds_cli_usage_os_label_0"
  SELECT _value, _value, 0 FROM "ds_cli_usage_os_label_0_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [225] $level = 1
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_os_label_0_values" v ANTI JOIN "ds_cli_usage_os_label_0" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l1 FROM unresolved;
INSERT INTO "ds_cli_usage_os_label_0"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [226] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_cli_usage_os_label_0_values";

-- [227] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_cli_usage_os_label_0_values"; DROP TABLE "ds_cli_usage_os_label_0_vm";

-- [228] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_cli_usage_os_label_0" GROUP BY _level ORDER BY _level;

-- [229] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_os_label_1_values" AS
  SELECT "OSVersion" AS _value, min(coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR) END), '"', '''') END), ''), coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') END), ''), 'Other'))) AS l1, min(coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("OSVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') END), ''), 'Other')) AS l2, $other::VARCHAR AS l3,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "OSVersion" FROM "ds_cli_usage_os_facts") GROUP BY ALL;

-- [230] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_os_label_1" AS
  SELECT "OSVersion" AS _value, "OSVersion" AS _label, 0 AS _level
  FROM "ds_cli_usage_os_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_os_label_1_vm" AS
  SELECT DISTINCT f."OSVersion" AS _value, f.machine_id FROM "ds_cli_usage_os_facts" f
  ANTI JOIN "ds_cli_usage_os_label_1" t ON t._value = f."OSVersion";
INSERT INTO "ds_cli_usage_os_label_1"
  SELECT _value, _value, 0 FROM "ds_cli_usage_os_label_1_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [231] $k = 10, $level = 1
-- labels.sql: ladder_level
-- Ladder level $level: the values still without a label climb together; a level label with k machines
-- (counted over the values that climbed to it) is theirs.
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_os_label_1_values" v ANTI JOIN "ds_cli_usage_os_label_1" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS
  SELECT u.l1 FROM unresolved u
  JOIN "ds_cli_usage_os_label_1_vm" vm ON vm._value = u._value
  GROUP BY ALL HAVING count(DISTINCT vm.machine_id) >= $k;
INSERT INTO "ds_cli_usage_os_label_1"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [232] $k = 10, $level = 2
-- labels.sql: ladder_level
-- Ladder level $level: the values still without a label climb together; a level label with k machines
-- (counted over the values that climbed to it) is theirs.
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_os_label_1_values" v ANTI JOIN "ds_cli_usage_os_label_1" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS
  SELECT u.l2 FROM unresolved u
  JOIN "ds_cli_usage_os_label_1_vm" vm ON vm._value = u._value
  GROUP BY ALL HAVING count(DISTINCT vm.machine_id) >= $k;
INSERT INTO "ds_cli_usage_os_label_1"
  SELECT u._value, u.l2, $level
  FROM unresolved u SEMI JOIN passing p USING (l2);
DROP TABLE unresolved; DROP TABLE passing;

-- [233] $level = 3
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_os_label_1_values" v ANTI JOIN "ds_cli_usage_os_label_1" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l3 FROM unresolved;
INSERT INTO "ds_cli_usage_os_label_1"
  SELECT u._value, u.l3, $level
  FROM unresolved u SEMI JOIN passing p USING (l3);
DROP TABLE unresolved; DROP TABLE passing;

-- [234] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_cli_usage_os_label_1_values";

-- [235] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_cli_usage_os_label_1_values"; DROP TABLE "ds_cli_usage_os_label_1_vm";

-- [236] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_cli_usage_os_label_1" GROUP BY _level ORDER BY _level;

-- [237] no parameters
-- cells.sql: time_codes
-- Every value of the time column gets a code in its order: batches are ranges of codes.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_os_time_codes" AS
  SELECT (row_number() OVER (ORDER BY _value) - 1)::BIGINT AS _code, _value, _value::VARCHAR AS _text
  FROM (SELECT DISTINCT "Timestamp" AS _value FROM "ds_cli_usage_os_facts");

-- [238] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_os_label_0_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_cli_usage_os_label_0" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_os_label_0" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_cli_usage_os_label_0" l JOIN "ds_cli_usage_os_label_0_codes" c ON c._text = l._label;

-- [239] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_os_label_1_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_cli_usage_os_label_1" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_os_label_1" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_cli_usage_os_label_1" l JOIN "ds_cli_usage_os_label_1_codes" c ON c._text = l._label;

-- [240] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_os_label_1_codes";

-- [241] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_os_label_0_codes";

-- [242] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_os_time_codes";

-- [243] no parameters
-- cells.sql: cell_tables
-- The packed record (which machine's events went into which row, by key), the rows, and the record with
-- the row's key spelled out. TEMP  keeps the record out of the database file unless a revision
-- will ATTACH it. Table definitions take no parameters.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_os_assigned_packed" (_key BIGINT, machine_id UBIGINT, _events BIGINT, _stage TINYINT);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_os_rows" ("Timestamp" VARCHAR, "OSFamily" VARCHAR, "OSVersion" VARCHAR, _key BIGINT, _value BIGINT, _machines BIGINT, _raw_events BIGINT, _stage INTEGER, _published BOOLEAN, _secondary BOOLEAN DEFAULT false);
CREATE OR REPLACE TEMP VIEW "ds_cli_usage_os_assigned" AS
  SELECT r."Timestamp", r."OSFamily", r."OSVersion", a.machine_id, a._events, a._stage::INTEGER AS _stage
  FROM "ds_cli_usage_os_assigned_packed" a JOIN "ds_cli_usage_os_rows" r USING (_key);

-- [244] no parameters
-- cells.sql: fact_time_codes
-- The first and last codes of the time values the facts hold: a shard's facts hold some days of the quarter.
SELECT min(_code)::BIGINT AS first, max(_code)::BIGINT AS last
FROM "ds_cli_usage_os_time_codes" WHERE _value IN (SELECT DISTINCT "Timestamp" FROM "ds_cli_usage_os_facts");

-- [245] $first_code = 0, $last_code = 1, $k = 10, $stage_detail = 0, $stage_generalised = 1, $stage_remainder = 2, $step1_mask = "5", $step2_mask = "4", $shift_time = 2, $shift_0 = 1, $shift_1 = 0
-- cells.sql: batch_pairs
-- One batch of time codes ($first_code .. $last_code), from facts to every (key, machine) pair in its final
-- row. `labelled`: the facts with their quarter-wide labels as one key. `pairs0`: facts can share a pair
-- only through a label several values share, so only those are grouped (grouping all of them was a third
-- of the cell stage). Then the remainder steps, and `settled`: every pair of every step that stopped
-- moving; `merged`: the keys kept at one step that received pairs again at a later one, regrouped here.
INSERT INTO "ds_cli_usage_os_assigned_packed"
  WITH labelled AS MATERIALIZED (
    SELECT (t._code::BIGINT << $shift_time) /* Timestamp */
             | (l0._code::BIGINT << $shift_0) /* OSFamily */
             | (l1._code::BIGINT << $shift_1) /* OSVersion */ AS _key, f.machine_id, f._events,
           (CASE WHEN l0._level > 0 OR l1._level > 0 THEN $stage_generalised ELSE $stage_detail END)::TINYINT AS _stage,
           l0._shared OR l1._shared AS _shared
    FROM "ds_cli_usage_os_facts" f
    JOIN "ds_cli_usage_os_time_codes" t ON t._value = f."Timestamp"
    JOIN "ds_cli_usage_os_label_0" l0 ON l0._value = f."OSFamily"
    JOIN "ds_cli_usage_os_label_1" l1 ON l1._value = f."OSVersion"
    WHERE t._code BETWEEN $first_code AND $last_code),
  pairs0 AS MATERIALIZED (
    SELECT _key, machine_id, _events, _stage FROM labelled WHERE NOT _shared
    UNION ALL
    SELECT _key, machine_id, sum(_events)::BIGINT, max(_stage)::TINYINT FROM labelled WHERE _shared GROUP BY _key, machine_id),
  -- cells.sql: remainder_step
-- A remainder step's CTEs (a fragment of batch_pairs). counted0: the machines of each key among the
-- pairs still moving; a key with k of them, or one an earlier step kept (false), keeps its pairs for
-- good (kept0). The others' pairs get the step's fields cleared to "Other" and merge by key as
-- pairs1: remainder step 1 clears OSFamily.
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
-- pairs2: remainder step 2 clears OSFamily, OSVersion.
counted1 AS MATERIALIZED (
    SELECT _key, count(*) >= $k AS _enough, _key IN (SELECT _key FROM kept0) AS _merges FROM pairs1 GROUP BY _key),
  kept1 AS MATERIALIZED (
    SELECT _key FROM kept0 UNION ALL SELECT _key FROM counted1 WHERE _enough AND NOT _merges),
  pairs2 AS MATERIALIZED (
    SELECT _key & $step2_mask::BIGINT AS _key, machine_id, sum(_events)::BIGINT AS _events, $stage_remainder::TINYINT AS _stage
    FROM pairs1 SEMI JOIN (SELECT _key FROM counted1 WHERE NOT (_enough OR _merges)) USING (_key)
    GROUP BY ALL),
  -- cells.sql: last_count
-- After the last remainder step: what is still under k stays where it is, to be suppressed.
counted2 AS MATERIALIZED (
    SELECT _key, count(*) >= $k AS _enough, _key IN (SELECT _key FROM kept1) AS _merges FROM pairs2 GROUP BY _key),
  settled AS (
    SELECT * FROM pairs0 SEMI JOIN (SELECT _key FROM counted0 WHERE _enough OR _merges) USING (_key)
    UNION ALL SELECT * FROM pairs1 SEMI JOIN (SELECT _key FROM counted1 WHERE _enough OR _merges) USING (_key)
    UNION ALL SELECT * FROM pairs2),
  merged AS MATERIALIZED (
    SELECT _key FROM counted0 WHERE _merges UNION ALL SELECT _key FROM counted1 WHERE _merges UNION ALL SELECT _key FROM counted2 WHERE _merges)
  SELECT _key, machine_id, _events, _stage FROM settled WHERE _key NOT IN (SELECT _key FROM merged)
  UNION ALL
  SELECT _key, machine_id, sum(_events)::BIGINT, max(_stage)::TINYINT FROM settled WHERE _key IN (SELECT _key FROM merged) GROUP BY ALL;

-- [246] $k = 10, $low_key = "0", $high_key = "7", $shift_time = 2, $shift_0 = 1, $shift_1 = 0, $field_mask_time = "1", $field_mask_0 = "1", $field_mask_1 = "1", $cap = 500
-- cells.sql: batch_rows
-- The batch's rows from its pairs, found by their key range ($low_key .. $high_key: time takes the top
-- bits and batches are inserted in order), each key's fields decoded back to text.
INSERT INTO "ds_cli_usage_os_rows"
  SELECT d0._text, d1._text, d2._text, r.*, false
  FROM (SELECT _key, sum(least(_events, $cap::BIGINT))::BIGINT AS _value, count(*)::BIGINT AS _machines, sum(_events)::BIGINT AS _raw_events,
               max(_stage)::INTEGER AS _stage, count(*) >= $k AS _published
        FROM "ds_cli_usage_os_assigned_packed" WHERE _key BETWEEN $low_key::BIGINT AND $high_key::BIGINT GROUP BY _key) r
  JOIN "ds_cli_usage_os_time_codes" d0 ON d0._code = ((r._key >> $shift_time) & $field_mask_time::BIGINT) /* Timestamp */
  JOIN "ds_cli_usage_os_label_0_codes" d1 ON d1._code = ((r._key >> $shift_0) & $field_mask_0::BIGINT) /* OSFamily */
  JOIN "ds_cli_usage_os_label_1_codes" d2 ON d2._code = ((r._key >> $shift_1) & $field_mask_1::BIGINT) /* OSVersion */;

-- [247] no parameters
-- facts.sql: query_view
-- The dataset's query.sql as a view. A view cannot hold a bound parameter, and the query has none.
CREATE OR REPLACE TEMP VIEW "ds_cli_usage_runtime_query" AS -- cli-usage-runtime: the events of cli-usage (same filter, same machines) counted by RuntimeID only.
--
-- A member of the cli-usage family (population "cli-usage" in dataset.json): the job protects the family
-- together, so no difference between this table and another of the family reveals a figure under k.
-- The WHERE clause must stay that of cli-usage/query.sql: the family counts the same events.
SELECT
  e.day                                          AS "Timestamp",
  e.machine_id                                   AS machine_id,
  e.runtime_id                                   AS "RuntimeID"
FROM events e
WHERE e.event = 'command'
  AND e.environment = 'production';

-- [248] no parameters
-- facts.sql: describe_query
DESCRIBE SELECT * FROM "ds_cli_usage_runtime_query";

-- [249] no parameters
-- facts.sql: create_facts
-- Empty, with the columns and types of the batches inserted below.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_runtime_facts" AS SELECT "Timestamp", "machine_id", coalesce(CAST("RuntimeID" AS VARCHAR), 'Unknown') AS "RuntimeID", 0::BIGINT AS _events FROM "ds_cli_usage_runtime_query" LIMIT 0;

-- [250] no parameters
-- facts.sql: insert_facts_days
-- One batch of days of a DATE time column: a range on the column's own type, so DuckDB skips the row
-- groups of other days. The days are DATE literals rendered by facts.ts, not parameters: measured on
-- 10M events (runs alternated on one database), bound days made these batches 20-40% slower.
INSERT INTO "ds_cli_usage_runtime_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("RuntimeID" AS VARCHAR), 'Unknown') AS "RuntimeID", count(*)::BIGINT FROM "ds_cli_usage_runtime_query"
  WHERE "Timestamp" BETWEEN DATE '2026-07-01' AND DATE '2026-09-30'
  GROUP BY ALL;

-- [251] no parameters
-- facts.sql: insert_facts_outside_days
-- The last batch of a DATE time column: rows without a time (refused just after) and days outside the
-- quarter (literals, as above).
INSERT INTO "ds_cli_usage_runtime_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("RuntimeID" AS VARCHAR), 'Unknown') AS "RuntimeID", count(*)::BIGINT FROM "ds_cli_usage_runtime_query"
  WHERE "Timestamp" IS NULL OR "Timestamp" NOT BETWEEN DATE '2026-07-01' AND DATE '2026-09-30'
  GROUP BY ALL;

-- [252] no parameters
-- facts.sql: count_untimed
SELECT count(*)::BIGINT AS n FROM "ds_cli_usage_runtime_facts" WHERE "Timestamp" IS NULL;

-- [253] no parameters
-- contract.sql: foreign_machines
-- Machine ids of the facts that are no machine of the archive.
SELECT count(*)::BIGINT AS n FROM (SELECT DISTINCT machine_id FROM "ds_cli_usage_runtime_facts") ANTI JOIN "archive_machines" USING (machine_id);

-- [254] no parameters
-- facts.sql: unclean_values
-- Every dimension's distinct values in one scan: one grouping set per column, in which the other columns
-- are NULL (facts never hold a NULL dimension); the set's GROUPING_ID says which column a value is of.
-- Only the values that normalise to another text come back.
SELECT position, raw, (CASE WHEN left(coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown'), 1) IN ('=', '+', '-', '@') THEN '''' || coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown') ELSE coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown') END) AS clean FROM (
  SELECT CASE GROUPING_ID("RuntimeID")
           WHEN 0 THEN 0 /* "RuntimeID" */
         END AS position,
         coalesce("RuntimeID") AS raw
  FROM "ds_cli_usage_runtime_facts" GROUP BY GROUPING SETS (("RuntimeID")))
WHERE clean <> raw;

-- [255] $daily_cap = 1000
-- contribution.sql: over_bound
-- The (day, machine) pairs over the bound, with their total.
CREATE OR REPLACE TEMP TABLE "_over_daily_bound" AS
  SELECT "Timestamp" AS _time, machine_id, sum(_events) AS _total FROM "ds_cli_usage_runtime_facts" GROUP BY ALL HAVING sum(_events) > $daily_cap;

-- [256] no parameters
-- contribution.sql: count_over
SELECT count(*)::BIGINT AS n FROM "_over_daily_bound";

-- [257] no parameters
-- contribution.sql: drop_over
DROP TABLE "_over_daily_bound";

-- [258] no parameters
-- labels.sql: fact_columns
DESCRIBE "ds_cli_usage_runtime_facts";

-- [259] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_runtime_label_0_values" AS
  SELECT "RuntimeID" AS _value, min(coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("RuntimeID", '-([a-z0-9]+)$', 1)) AS VARCHAR) END), '"', '''') END), ''), 'Other')) AS l1, $other::VARCHAR AS l2,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "RuntimeID" FROM "ds_cli_usage_runtime_facts") GROUP BY ALL;

-- [260] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_runtime_label_0" AS
  SELECT "RuntimeID" AS _value, "RuntimeID" AS _label, 0 AS _level
  FROM "ds_cli_usage_runtime_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_runtime_label_0_vm" AS
  SELECT DISTINCT f."RuntimeID" AS _value, f.machine_id FROM "ds_cli_usage_runtime_facts" f
  ANTI JOIN "ds_cli_usage_runtime_label_0" t ON t._value = f."RuntimeID";
INSERT INTO "ds_cli_usage_runtime_label_0"
  SELECT _value, _value, 0 FROM "ds_cli_usage_runtime_label_0_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [261] $k = 10, $level = 1
-- labels.sql: ladder_level
-- Ladder level $level: the values still without a label climb together; a level label with k machines
-- (counted over the values that climbed to it) is theirs.
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_runtime_label_0_values" v ANTI JOIN "ds_cli_usage_runtime_label_0" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS
  SELECT u.l1 FROM unresolved u
  JOIN "ds_cli_usage_runtime_label_0_vm" vm ON vm._value = u._value
  GROUP BY ALL HAVING count(DISTINCT vm.machine_id) >= $k;
INSERT INTO "ds_cli_usage_runtime_label_0"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [262] $level = 2
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_runtime_label_0_values" v ANTI JOIN "ds_cli_usage_runtime_label_0" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l2 FROM unresolved;
INSERT INTO "ds_cli_usage_runtime_label_0"
  SELECT u._value, u.l2, $level
  FROM unresolved u SEMI JOIN passing p USING (l2);
DROP TABLE unresolved; DROP TABLE passing;

-- [263] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_cli_usage_runtime_label_0_values";

-- [264] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_cli_usage_runtime_label_0_values"; DROP TABLE "ds_cli_usage_runtime_label_0_vm";

-- [265] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_cli_usage_runtime_label_0" GROUP BY _level ORDER BY _level;

-- [266] no parameters
-- cells.sql: time_codes
-- Every value of the time column gets a code in its order: batches are ranges of codes.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_runtime_time_codes" AS
  SELECT (row_number() OVER (ORDER BY _value) - 1)::BIGINT AS _code, _value, _value::VARCHAR AS _text
  FROM (SELECT DISTINCT "Timestamp" AS _value FROM "ds_cli_usage_runtime_facts");

-- [267] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_runtime_label_0_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_cli_usage_runtime_label_0" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_runtime_label_0" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_cli_usage_runtime_label_0" l JOIN "ds_cli_usage_runtime_label_0_codes" c ON c._text = l._label;

-- [268] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_runtime_label_0_codes";

-- [269] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_runtime_time_codes";

-- [270] no parameters
-- cells.sql: cell_tables
-- The packed record (which machine's events went into which row, by key), the rows, and the record with
-- the row's key spelled out. TEMP  keeps the record out of the database file unless a revision
-- will ATTACH it. Table definitions take no parameters.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_runtime_assigned_packed" (_key BIGINT, machine_id UBIGINT, _events BIGINT, _stage TINYINT);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_runtime_rows" ("Timestamp" VARCHAR, "RuntimeID" VARCHAR, _key BIGINT, _value BIGINT, _machines BIGINT, _raw_events BIGINT, _stage INTEGER, _published BOOLEAN, _secondary BOOLEAN DEFAULT false);
CREATE OR REPLACE TEMP VIEW "ds_cli_usage_runtime_assigned" AS
  SELECT r."Timestamp", r."RuntimeID", a.machine_id, a._events, a._stage::INTEGER AS _stage
  FROM "ds_cli_usage_runtime_assigned_packed" a JOIN "ds_cli_usage_runtime_rows" r USING (_key);

-- [271] no parameters
-- cells.sql: fact_time_codes
-- The first and last codes of the time values the facts hold: a shard's facts hold some days of the quarter.
SELECT min(_code)::BIGINT AS first, max(_code)::BIGINT AS last
FROM "ds_cli_usage_runtime_time_codes" WHERE _value IN (SELECT DISTINCT "Timestamp" FROM "ds_cli_usage_runtime_facts");

-- [272] $first_code = 0, $last_code = 1, $k = 10, $stage_detail = 0, $stage_generalised = 1, $stage_remainder = 2, $step1_mask = "2", $shift_time = 1, $shift_0 = 0
-- cells.sql: batch_pairs
-- One batch of time codes ($first_code .. $last_code), from facts to every (key, machine) pair in its final
-- row. `labelled`: the facts with their quarter-wide labels as one key. `pairs0`: facts can share a pair
-- only through a label several values share, so only those are grouped (grouping all of them was a third
-- of the cell stage). Then the remainder steps, and `settled`: every pair of every step that stopped
-- moving; `merged`: the keys kept at one step that received pairs again at a later one, regrouped here.
INSERT INTO "ds_cli_usage_runtime_assigned_packed"
  WITH labelled AS MATERIALIZED (
    SELECT (t._code::BIGINT << $shift_time) /* Timestamp */
             | (l0._code::BIGINT << $shift_0) /* RuntimeID */ AS _key, f.machine_id, f._events,
           (CASE WHEN l0._level > 0 THEN $stage_generalised ELSE $stage_detail END)::TINYINT AS _stage,
           l0._shared AS _shared
    FROM "ds_cli_usage_runtime_facts" f
    JOIN "ds_cli_usage_runtime_time_codes" t ON t._value = f."Timestamp"
    JOIN "ds_cli_usage_runtime_label_0" l0 ON l0._value = f."RuntimeID"
    WHERE t._code BETWEEN $first_code AND $last_code),
  pairs0 AS MATERIALIZED (
    SELECT _key, machine_id, _events, _stage FROM labelled WHERE NOT _shared
    UNION ALL
    SELECT _key, machine_id, sum(_events)::BIGINT, max(_stage)::TINYINT FROM labelled WHERE _shared GROUP BY _key, machine_id),
  -- cells.sql: remainder_step
-- A remainder step's CTEs (a fragment of batch_pairs). counted0: the machines of each key among the
-- pairs still moving; a key with k of them, or one an earlier step kept (false), keeps its pairs for
-- good (kept0). The others' pairs get the step's fields cleared to "Other" and merge by key as
-- pairs1: remainder step 1 clears RuntimeID.
counted0 AS MATERIALIZED (
    SELECT _key, count(*) >= $k AS _enough, false AS _merges FROM pairs0 GROUP BY _key),
  kept0 AS MATERIALIZED (
    SELECT _key FROM counted0 WHERE _enough AND NOT _merges),
  pairs1 AS MATERIALIZED (
    SELECT _key & $step1_mask::BIGINT AS _key, machine_id, sum(_events)::BIGINT AS _events, $stage_remainder::TINYINT AS _stage
    FROM pairs0 SEMI JOIN (SELECT _key FROM counted0 WHERE NOT (_enough OR _merges)) USING (_key)
    GROUP BY ALL),
  -- cells.sql: last_count
-- After the last remainder step: what is still under k stays where it is, to be suppressed.
counted1 AS MATERIALIZED (
    SELECT _key, count(*) >= $k AS _enough, _key IN (SELECT _key FROM kept0) AS _merges FROM pairs1 GROUP BY _key),
  settled AS (
    SELECT * FROM pairs0 SEMI JOIN (SELECT _key FROM counted0 WHERE _enough OR _merges) USING (_key)
    UNION ALL SELECT * FROM pairs1),
  merged AS MATERIALIZED (
    SELECT _key FROM counted0 WHERE _merges UNION ALL SELECT _key FROM counted1 WHERE _merges)
  SELECT _key, machine_id, _events, _stage FROM settled WHERE _key NOT IN (SELECT _key FROM merged)
  UNION ALL
  SELECT _key, machine_id, sum(_events)::BIGINT, max(_stage)::TINYINT FROM settled WHERE _key IN (SELECT _key FROM merged) GROUP BY ALL;

-- [273] $k = 10, $low_key = "0", $high_key = "3", $shift_time = 1, $shift_0 = 0, $field_mask_time = "1", $field_mask_0 = "1", $cap = 500
-- cells.sql: batch_rows
-- The batch's rows from its pairs, found by their key range ($low_key .. $high_key: time takes the top
-- bits and batches are inserted in order), each key's fields decoded back to text.
INSERT INTO "ds_cli_usage_runtime_rows"
  SELECT d0._text, d1._text, r.*, false
  FROM (SELECT _key, sum(least(_events, $cap::BIGINT))::BIGINT AS _value, count(*)::BIGINT AS _machines, sum(_events)::BIGINT AS _raw_events,
               max(_stage)::INTEGER AS _stage, count(*) >= $k AS _published
        FROM "ds_cli_usage_runtime_assigned_packed" WHERE _key BETWEEN $low_key::BIGINT AND $high_key::BIGINT GROUP BY _key) r
  JOIN "ds_cli_usage_runtime_time_codes" d0 ON d0._code = ((r._key >> $shift_time) & $field_mask_time::BIGINT) /* Timestamp */
  JOIN "ds_cli_usage_runtime_label_0_codes" d1 ON d1._code = ((r._key >> $shift_0) & $field_mask_0::BIGINT) /* RuntimeID */;

-- [274] no parameters
-- facts.sql: query_view
-- The dataset's query.sql as a view. A view cannot hold a bound parameter, and the query has none.
CREATE OR REPLACE TEMP VIEW "ds_cli_usage_sdk_query" AS -- cli-usage-sdk: the events of cli-usage (same filter, same machines) counted by SDKVersion and OSFamily only.
--
-- A member of the cli-usage family (population "cli-usage" in dataset.json): the job protects the family
-- together, so no difference between this table and another of the family reveals a figure under k.
-- The WHERE clause must stay that of cli-usage/query.sql: the family counts the same events.
SELECT
  e.day                                          AS "Timestamp",
  e.machine_id                                   AS machine_id,
  e.sdk_version                                  AS "SDKVersion",
  e.os_family                                    AS "OSFamily"
FROM events e
WHERE e.event = 'command'
  AND e.environment = 'production';

-- [275] no parameters
-- facts.sql: describe_query
DESCRIBE SELECT * FROM "ds_cli_usage_sdk_query";

-- [276] no parameters
-- facts.sql: create_facts
-- Empty, with the columns and types of the batches inserted below.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_sdk_facts" AS SELECT "Timestamp", "machine_id", coalesce(CAST("SDKVersion" AS VARCHAR), 'Unknown') AS "SDKVersion", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", 0::BIGINT AS _events FROM "ds_cli_usage_sdk_query" LIMIT 0;

-- [277] no parameters
-- facts.sql: insert_facts_days
-- One batch of days of a DATE time column: a range on the column's own type, so DuckDB skips the row
-- groups of other days. The days are DATE literals rendered by facts.ts, not parameters: measured on
-- 10M events (runs alternated on one database), bound days made these batches 20-40% slower.
INSERT INTO "ds_cli_usage_sdk_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("SDKVersion" AS VARCHAR), 'Unknown') AS "SDKVersion", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", count(*)::BIGINT FROM "ds_cli_usage_sdk_query"
  WHERE "Timestamp" BETWEEN DATE '2026-07-01' AND DATE '2026-09-30'
  GROUP BY ALL;

-- [278] no parameters
-- facts.sql: insert_facts_outside_days
-- The last batch of a DATE time column: rows without a time (refused just after) and days outside the
-- quarter (literals, as above).
INSERT INTO "ds_cli_usage_sdk_facts"
  SELECT "Timestamp", "machine_id", coalesce(CAST("SDKVersion" AS VARCHAR), 'Unknown') AS "SDKVersion", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", count(*)::BIGINT FROM "ds_cli_usage_sdk_query"
  WHERE "Timestamp" IS NULL OR "Timestamp" NOT BETWEEN DATE '2026-07-01' AND DATE '2026-09-30'
  GROUP BY ALL;

-- [279] no parameters
-- facts.sql: count_untimed
SELECT count(*)::BIGINT AS n FROM "ds_cli_usage_sdk_facts" WHERE "Timestamp" IS NULL;

-- [280] no parameters
-- contract.sql: foreign_machines
-- Machine ids of the facts that are no machine of the archive.
SELECT count(*)::BIGINT AS n FROM (SELECT DISTINCT machine_id FROM "ds_cli_usage_sdk_facts") ANTI JOIN "archive_machines" USING (machine_id);

-- [281] no parameters
-- facts.sql: unclean_values
-- Every dimension's distinct values in one scan: one grouping set per column, in which the other columns
-- are NULL (facts never hold a NULL dimension); the set's GROUPING_ID says which column a value is of.
-- Only the values that normalise to another text come back.
SELECT position, raw, (CASE WHEN left(coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown'), 1) IN ('=', '+', '-', '@') THEN '''' || coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown') ELSE coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown') END) AS clean FROM (
  SELECT CASE GROUPING_ID("OSFamily", "SDKVersion")
           WHEN 1 THEN 0 /* "OSFamily" */
           WHEN 2 THEN 1 /* "SDKVersion" */
         END AS position,
         coalesce("OSFamily", "SDKVersion") AS raw
  FROM "ds_cli_usage_sdk_facts" GROUP BY GROUPING SETS (("OSFamily"), ("SDKVersion")))
WHERE clean <> raw;

-- [282] $daily_cap = 1000
-- contribution.sql: over_bound
-- The (day, machine) pairs over the bound, with their total.
CREATE OR REPLACE TEMP TABLE "_over_daily_bound" AS
  SELECT "Timestamp" AS _time, machine_id, sum(_events) AS _total FROM "ds_cli_usage_sdk_facts" GROUP BY ALL HAVING sum(_events) > $daily_cap;

-- [283] no parameters
-- contribution.sql: count_over
SELECT count(*)::BIGINT AS n FROM "_over_daily_bound";

-- [284] no parameters
-- contribution.sql: drop_over
DROP TABLE "_over_daily_bound";

-- [285] no parameters
-- labels.sql: fact_columns
DESCRIBE "ds_cli_usage_sdk_facts";

-- [286] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_sdk_label_0_values" AS
  SELECT "OSFamily" AS _value, $other::VARCHAR AS l1,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "OSFamily" FROM "ds_cli_usage_sdk_facts") GROUP BY ALL;

-- [287] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_sdk_label_0" AS
  SELECT "OSFamily" AS _value, "OSFamily" AS _label, 0 AS _level
  FROM "ds_cli_usage_sdk_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_sdk_label_0_vm" AS
  SELECT DISTINCT f."OSFamily" AS _value, f.machine_id FROM "ds_cli_usage_sdk_facts" f
  ANTI JOIN "ds_cli_usage_sdk_label_0" t ON t._value = f."OSFamily";
INSERT INTO "ds_cli_usage_sdk_label_0"
  SELECT _value, _value, 0 FROM "ds_cli_usage_sdk_label_0_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [288] $level = 1
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_sdk_label_0_values" v ANTI JOIN "ds_cli_usage_sdk_label_0" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l1 FROM unresolved;
INSERT INTO "ds_cli_usage_sdk_label_0"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [289] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_cli_usage_sdk_label_0_values";

-- [290] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_cli_usage_sdk_label_0_values"; DROP TABLE "ds_cli_usage_sdk_label_0_vm";

-- [291] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_cli_usage_sdk_label_0" GROUP BY _level ORDER BY _level;

-- [292] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_sdk_label_1_values" AS
  SELECT "SDKVersion" AS _value, min(coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR) END), '"', '''') END), ''), coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') END), ''), 'Other'))) AS l1, min(coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("SDKVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') END), ''), 'Other')) AS l2, $other::VARCHAR AS l3,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "SDKVersion" FROM "ds_cli_usage_sdk_facts") GROUP BY ALL;

-- [293] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_sdk_label_1" AS
  SELECT "SDKVersion" AS _value, "SDKVersion" AS _label, 0 AS _level
  FROM "ds_cli_usage_sdk_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_sdk_label_1_vm" AS
  SELECT DISTINCT f."SDKVersion" AS _value, f.machine_id FROM "ds_cli_usage_sdk_facts" f
  ANTI JOIN "ds_cli_usage_sdk_label_1" t ON t._value = f."SDKVersion";
INSERT INTO "ds_cli_usage_sdk_label_1"
  SELECT _value, _value, 0 FROM "ds_cli_usage_sdk_label_1_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [294] $k = 10, $level = 1
-- labels.sql: ladder_level
-- Ladder level $level: the values still without a label climb together; a level label with k machines
-- (counted over the values that climbed to it) is theirs.
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_sdk_label_1_values" v ANTI JOIN "ds_cli_usage_sdk_label_1" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS
  SELECT u.l1 FROM unresolved u
  JOIN "ds_cli_usage_sdk_label_1_vm" vm ON vm._value = u._value
  GROUP BY ALL HAVING count(DISTINCT vm.machine_id) >= $k;
INSERT INTO "ds_cli_usage_sdk_label_1"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [295] $k = 10, $level = 2
-- labels.sql: ladder_level
-- Ladder level $level: the values still without a label climb together; a level label with k machines
-- (counted over the values that climbed to it) is theirs.
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_sdk_label_1_values" v ANTI JOIN "ds_cli_usage_sdk_label_1" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS
  SELECT u.l2 FROM unresolved u
  JOIN "ds_cli_usage_sdk_label_1_vm" vm ON vm._value = u._value
  GROUP BY ALL HAVING count(DISTINCT vm.machine_id) >= $k;
INSERT INTO "ds_cli_usage_sdk_label_1"
  SELECT u._value, u.l2, $level
  FROM unresolved u SEMI JOIN passing p USING (l2);
DROP TABLE unresolved; DROP TABLE passing;

-- [296] $level = 3
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_cli_usage_sdk_label_1_values" v ANTI JOIN "ds_cli_usage_sdk_label_1" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l3 FROM unresolved;
INSERT INTO "ds_cli_usage_sdk_label_1"
  SELECT u._value, u.l3, $level
  FROM unresolved u SEMI JOIN passing p USING (l3);
DROP TABLE unresolved; DROP TABLE passing;

-- [297] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_cli_usage_sdk_label_1_values";

-- [298] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_cli_usage_sdk_label_1_values"; DROP TABLE "ds_cli_usage_sdk_label_1_vm";

-- [299] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_cli_usage_sdk_label_1" GROUP BY _level ORDER BY _level;

-- [300] no parameters
-- cells.sql: time_codes
-- Every value of the time column gets a code in its order: batches are ranges of codes.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_sdk_time_codes" AS
  SELECT (row_number() OVER (ORDER BY _value) - 1)::BIGINT AS _code, _value, _value::VARCHAR AS _text
  FROM (SELECT DISTINCT "Timestamp" AS _value FROM "ds_cli_usage_sdk_facts");

-- [301] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_sdk_label_0_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_cli_usage_sdk_label_0" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_sdk_label_0" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_cli_usage_sdk_label_0" l JOIN "ds_cli_usage_sdk_label_0_codes" c ON c._text = l._label;

-- [302] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_sdk_label_1_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_cli_usage_sdk_label_1" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_sdk_label_1" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_cli_usage_sdk_label_1" l JOIN "ds_cli_usage_sdk_label_1_codes" c ON c._text = l._label;

-- [303] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_sdk_label_1_codes";

-- [304] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_sdk_label_0_codes";

-- [305] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_cli_usage_sdk_time_codes";

-- [306] no parameters
-- cells.sql: cell_tables
-- The packed record (which machine's events went into which row, by key), the rows, and the record with
-- the row's key spelled out. TEMP  keeps the record out of the database file unless a revision
-- will ATTACH it. Table definitions take no parameters.
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_sdk_assigned_packed" (_key BIGINT, machine_id UBIGINT, _events BIGINT, _stage TINYINT);
CREATE OR REPLACE TEMP TABLE "ds_cli_usage_sdk_rows" ("Timestamp" VARCHAR, "OSFamily" VARCHAR, "SDKVersion" VARCHAR, _key BIGINT, _value BIGINT, _machines BIGINT, _raw_events BIGINT, _stage INTEGER, _published BOOLEAN, _secondary BOOLEAN DEFAULT false);
CREATE OR REPLACE TEMP VIEW "ds_cli_usage_sdk_assigned" AS
  SELECT r."Timestamp", r."OSFamily", r."SDKVersion", a.machine_id, a._events, a._stage::INTEGER AS _stage
  FROM "ds_cli_usage_sdk_assigned_packed" a JOIN "ds_cli_usage_sdk_rows" r USING (_key);

-- [307] no parameters
-- cells.sql: fact_time_codes
-- The first and last codes of the time values the facts hold: a shard's facts hold some days of the quarter.
SELECT min(_code)::BIGINT AS first, max(_code)::BIGINT AS last
FROM "ds_cli_usage_sdk_time_codes" WHERE _value IN (SELECT DISTINCT "Timestamp" FROM "ds_cli_usage_sdk_facts");

-- [308] $first_code = 0, $last_code = 1, $k = 10, $stage_detail = 0, $stage_generalised = 1, $stage_remainder = 2, $step1_mask = "5", $step2_mask = "4", $shift_time = 2, $shift_0 = 1, $shift_1 = 0
-- cells.sql: batch_pairs
-- One batch of time codes ($first_code .. $last_code), from facts to every (key, machine) pair in its final
-- row. `labelled`: the facts with their quarter-wide labels as one key. `pairs0`: facts can share a pair
-- only through a label several values share, so only those are grouped (grouping all of them was a third
-- of the cell stage). Then the remainder steps, and `settled`: every pair of every step that stopped
-- moving; `merged`: the keys kept at one step that received pairs again at a later one, regrouped here.
INSERT INTO "ds_cli_usage_sdk_assigned_packed"
  WITH labelled AS MATERIALIZED (
    SELECT (t._code::BIGINT << $shift_time) /* Timestamp */
             | (l0._code::BIGINT << $shift_0) /* OSFamily */
             | (l1._code::BIGINT << $shift_1) /* SDKVersion */ AS _key, f.machine_id, f._events,
           (CASE WHEN l0._level > 0 OR l1._level > 0 THEN $stage_generalised ELSE $stage_detail END)::TINYINT AS _stage,
           l0._shared OR l1._shared AS _shared
    FROM "ds_cli_usage_sdk_facts" f
    JOIN "ds_cli_usage_sdk_time_codes" t ON t._value = f."Timestamp"
    JOIN "ds_cli_usage_sdk_label_0" l0 ON l0._value = f."OSFamily"
    JOIN "ds_cli_usage_sdk_label_1" l1 ON l1._value = f."SDKVersion"
    WHERE t._code BETWEEN $first_code AND $last_code),
  pairs0 AS MATERIALIZED (
    SELECT _key, machine_id, _events, _stage FROM labelled WHERE NOT _shared
    UNION ALL
    SELECT _key, machine_id, sum(_events)::BIGINT, max(_stage)::TINYINT FROM labelled WHERE _shared GROUP BY _key, machine_id),
  -- cells.sql: remainder_step
-- A remainder step's CTEs (a fragment of batch_pairs). counted0: the machines of each key among the
-- pairs still moving; a key with k of them, or one an earlier step kept (false), keeps its pairs for
-- good (kept0). The others' pairs get the step's fields cleared to "Other" and merge by key as
-- pairs1: remainder step 1 clears OSFamily.
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
-- pairs2: remainder step 2 clears OSFamily, SDKVersion.
counted1 AS MATERIALIZED (
    SELECT _key, count(*) >= $k AS _enough, _key IN (SELECT _key FROM kept0) AS _merges FROM pairs1 GROUP BY _key),
  kept1 AS MATERIALIZED (
    SELECT _key FROM kept0 UNION ALL SELECT _key FROM counted1 WHERE _enough AND NOT _merges),
  pairs2 AS MATERIALIZED (
    SELECT _key & $step2_mask::BIGINT AS _key, machine_id, sum(_events)::BIGINT AS _events, $stage_remainder::TINYINT AS _stage
    FROM pairs1 SEMI JOIN (SELECT _key FROM counted1 WHERE NOT (_enough OR _merges)) USING (_key)
    GROUP BY ALL),
  -- cells.sql: last_count
-- After the last remainder step: what is still under k stays where it is, to be suppressed.
counted2 AS MATERIALIZED (
    SELECT _key, count(*) >= $k AS _enough, _key IN (SELECT _key FROM kept1) AS _merges FROM pairs2 GROUP BY _key),
  settled AS (
    SELECT * FROM pairs0 SEMI JOIN (SELECT _key FROM counted0 WHERE _enough OR _merges) USING (_key)
    UNION ALL SELECT * FROM pairs1 SEMI JOIN (SELECT _key FROM counted1 WHERE _enough OR _merges) USING (_key)
    UNION ALL SELECT * FROM pairs2),
  merged AS MATERIALIZED (
    SELECT _key FROM counted0 WHERE _merges UNION ALL SELECT _key FROM counted1 WHERE _merges UNION ALL SELECT _key FROM counted2 WHERE _merges)
  SELECT _key, machine_id, _events, _stage FROM settled WHERE _key NOT IN (SELECT _key FROM merged)
  UNION ALL
  SELECT _key, machine_id, sum(_events)::BIGINT, max(_stage)::TINYINT FROM settled WHERE _key IN (SELECT _key FROM merged) GROUP BY ALL;

-- [309] $k = 10, $low_key = "0", $high_key = "7", $shift_time = 2, $shift_0 = 1, $shift_1 = 0, $field_mask_time = "1", $field_mask_0 = "1", $field_mask_1 = "1", $cap = 500
-- cells.sql: batch_rows
-- The batch's rows from its pairs, found by their key range ($low_key .. $high_key: time takes the top
-- bits and batches are inserted in order), each key's fields decoded back to text.
INSERT INTO "ds_cli_usage_sdk_rows"
  SELECT d0._text, d1._text, d2._text, r.*, false
  FROM (SELECT _key, sum(least(_events, $cap::BIGINT))::BIGINT AS _value, count(*)::BIGINT AS _machines, sum(_events)::BIGINT AS _raw_events,
               max(_stage)::INTEGER AS _stage, count(*) >= $k AS _published
        FROM "ds_cli_usage_sdk_assigned_packed" WHERE _key BETWEEN $low_key::BIGINT AND $high_key::BIGINT GROUP BY _key) r
  JOIN "ds_cli_usage_sdk_time_codes" d0 ON d0._code = ((r._key >> $shift_time) & $field_mask_time::BIGINT) /* Timestamp */
  JOIN "ds_cli_usage_sdk_label_0_codes" d1 ON d1._code = ((r._key >> $shift_0) & $field_mask_0::BIGINT) /* OSFamily */
  JOIN "ds_cli_usage_sdk_label_1_codes" d2 ON d2._code = ((r._key >> $shift_1) & $field_mask_1::BIGINT) /* SDKVersion */;

-- [310] $dataset_0 = "cli-usage", $dataset_1 = "cli-usage-commands", $dataset_2 = "cli-usage-geography", $dataset_3 = "cli-usage-geography-os", $dataset_4 = "cli-usage-os", $dataset_5 = "cli-usage-runtime", $dataset_6 = "cli-usage-sdk"
-- family.sql: row_ids
-- Every row of the family, with its integer id.
CREATE OR REPLACE TEMP TABLE family_rows AS
  SELECT *, (row_number() OVER (ORDER BY _row_id) - 1)::INTEGER AS _rid FROM (
  -- family.sql: row_of_table
-- (A fragment of row_ids, one per table.) `_key` is the row's packed key in its table (cells.sql).
SELECT 0 AS _n, _key::HUGEINT AS _key, $dataset_0 || ':' || json_array("Timestamp", "Command", "Geography", "OSFamily", "RuntimeID", "OSVersion", "SDKVersion")::VARCHAR AS _row_id, "Timestamp"::VARCHAR AS _day,
       _value AS value, _published AS published
  FROM "ds_cli_usage_rows"
  UNION ALL -- family.sql: row_of_table
-- (A fragment of row_ids, one per table.) `_key` is the row's packed key in its table (cells.sql).
SELECT 1 AS _n, _key::HUGEINT AS _key, $dataset_1 || ':' || json_array("Timestamp", "Command", "OSFamily")::VARCHAR AS _row_id, "Timestamp"::VARCHAR AS _day,
       _value AS value, _published AS published
  FROM "ds_cli_usage_commands_rows"
  UNION ALL -- family.sql: row_of_table
-- (A fragment of row_ids, one per table.) `_key` is the row's packed key in its table (cells.sql).
SELECT 2 AS _n, _key::HUGEINT AS _key, $dataset_2 || ':' || json_array("Timestamp", "Command", "Geography")::VARCHAR AS _row_id, "Timestamp"::VARCHAR AS _day,
       _value AS value, _published AS published
  FROM "ds_cli_usage_geography_rows"
  UNION ALL -- family.sql: row_of_table
-- (A fragment of row_ids, one per table.) `_key` is the row's packed key in its table (cells.sql).
SELECT 3 AS _n, _key::HUGEINT AS _key, $dataset_3 || ':' || json_array("Timestamp", "OSFamily", "Geography")::VARCHAR AS _row_id, "Timestamp"::VARCHAR AS _day,
       _value AS value, _published AS published
  FROM "ds_cli_usage_geography_os_rows"
  UNION ALL -- family.sql: row_of_table
-- (A fragment of row_ids, one per table.) `_key` is the row's packed key in its table (cells.sql).
SELECT 4 AS _n, _key::HUGEINT AS _key, $dataset_4 || ':' || json_array("Timestamp", "OSFamily", "OSVersion")::VARCHAR AS _row_id, "Timestamp"::VARCHAR AS _day,
       _value AS value, _published AS published
  FROM "ds_cli_usage_os_rows"
  UNION ALL -- family.sql: row_of_table
-- (A fragment of row_ids, one per table.) `_key` is the row's packed key in its table (cells.sql).
SELECT 5 AS _n, _key::HUGEINT AS _key, $dataset_5 || ':' || json_array("Timestamp", "RuntimeID")::VARCHAR AS _row_id, "Timestamp"::VARCHAR AS _day,
       _value AS value, _published AS published
  FROM "ds_cli_usage_runtime_rows"
  UNION ALL -- family.sql: row_of_table
-- (A fragment of row_ids, one per table.) `_key` is the row's packed key in its table (cells.sql).
SELECT 6 AS _n, _key::HUGEINT AS _key, $dataset_6 || ':' || json_array("Timestamp", "OSFamily", "SDKVersion")::VARCHAR AS _row_id, "Timestamp"::VARCHAR AS _day,
       _value AS value, _published AS published
  FROM "ds_cli_usage_sdk_rows");

-- [311] no parameters
-- family.sql: time_type
SELECT typeof(_value) AS type FROM "ds_cli_usage_time_codes" LIMIT 1;

-- [312] no parameters
-- family.sql: days
SELECT DISTINCT _day FROM family_rows ORDER BY _day;

-- [313] $from = "", $until = "￿"
-- family.sql: base_facts
-- The batch's facts of the base table (the one holding every dimension of the family), by machine, day
-- and the family's dimensions: the family's finest (machine, fact) pairs. Only the days of one batch
-- (from $from, before $until; true says it again as constants, which let the scan skip the
-- other days' row groups): days never mix, and a quarter's would not fit in memory.
CREATE OR REPLACE TEMP TABLE family_base AS
  SELECT DISTINCT f.machine_id, f."Timestamp" AS _time, f."Command", f."Geography", f."OSFamily", f."RuntimeID", f."OSVersion", f."SDKVersion"
  FROM "ds_cli_usage_facts" f
  JOIN "ds_cli_usage_time_codes" t ON t._value = f."Timestamp"
  WHERE t._text >= $from AND t._text < $until AND true;

-- [314] no parameters
-- family.sql: base_combinations
-- The distinct values of the base facts, without the machine: what each table's rows are looked up for.
CREATE OR REPLACE TEMP TABLE family_combinations AS
  SELECT DISTINCT _time, "Command", "Geography", "OSFamily", "RuntimeID", "OSVersion", "SDKVersion" FROM family_base;

-- [315] $shift_time = 7, $shift_0 = 5, $shift_1 = 4, $shift_2 = 3, $shift_3 = 2, $shift_4 = 1, $shift_5 = 0, $step1_mask = "159", $step2_mask = "143", $step3_mask = "135", $step4_mask = "133", $step5_mask = "129", $step6_mask = "128"
-- family.sql: place_rows
-- Each value combination of table 0 among the batch's facts with the row its facts ended in. A fact's
-- row depends on its values only: its chain of keys is its labelled key (packed as the cell stage packs
-- it), then that key with each remainder step's dimensions cleared to Other (code 0, the step's mask),
-- and the cell stage leaves it in the first key of its chain that is a row (remainder steps are nested:
-- family-tables.ts checks). So the rows are found once per combination, not once per machine. A
-- combination without a label or a row stays, with no `_rid`, for count_placed to find.
CREATE OR REPLACE TEMP TABLE family_place_0 AS
  WITH labelled AS MATERIALIZED (
    SELECT f._time, f."Command", f."Geography", f."OSFamily", f."RuntimeID", f."OSVersion", f."SDKVersion", (t._code::BIGINT << $shift_time) /* Timestamp */
             | (l0._code::BIGINT << $shift_0) /* Command */
             | (l1._code::BIGINT << $shift_1) /* Geography */
             | (l2._code::BIGINT << $shift_2) /* OSFamily */
             | (l3._code::BIGINT << $shift_3) /* RuntimeID */
             | (l4._code::BIGINT << $shift_4) /* OSVersion */
             | (l5._code::BIGINT << $shift_5) /* SDKVersion */ AS _key0
    FROM (SELECT DISTINCT _time, "Command", "Geography", "OSFamily", "RuntimeID", "OSVersion", "SDKVersion" FROM family_combinations) f
    LEFT JOIN "ds_cli_usage_time_codes" t ON t._value = f._time
    LEFT JOIN "ds_cli_usage_label_0" l0 ON l0._value = f."Command"
    LEFT JOIN "ds_cli_usage_label_1" l1 ON l1._value = f."Geography"
    LEFT JOIN "ds_cli_usage_label_2" l2 ON l2._value = f."OSFamily"
    LEFT JOIN "ds_cli_usage_label_3" l3 ON l3._value = f."RuntimeID"
    LEFT JOIN "ds_cli_usage_label_4" l4 ON l4._value = f."OSVersion"
    LEFT JOIN "ds_cli_usage_label_5" l5 ON l5._value = f."SDKVersion"),
  placed AS (
    SELECT * EXCLUDE (_key0), CASE WHEN _key0 IN (SELECT _key FROM "ds_cli_usage_rows") THEN _key0
      WHEN (_key0 & $step1_mask::BIGINT) IN (SELECT _key FROM "ds_cli_usage_rows") THEN (_key0 & $step1_mask::BIGINT)
      WHEN (_key0 & $step2_mask::BIGINT) IN (SELECT _key FROM "ds_cli_usage_rows") THEN (_key0 & $step2_mask::BIGINT)
      WHEN (_key0 & $step3_mask::BIGINT) IN (SELECT _key FROM "ds_cli_usage_rows") THEN (_key0 & $step3_mask::BIGINT)
      WHEN (_key0 & $step4_mask::BIGINT) IN (SELECT _key FROM "ds_cli_usage_rows") THEN (_key0 & $step4_mask::BIGINT)
      WHEN (_key0 & $step5_mask::BIGINT) IN (SELECT _key FROM "ds_cli_usage_rows") THEN (_key0 & $step5_mask::BIGINT)
      WHEN (_key0 & $step6_mask::BIGINT) IN (SELECT _key FROM "ds_cli_usage_rows") THEN (_key0 & $step6_mask::BIGINT) END AS _key FROM labelled)
  SELECT p.* EXCLUDE (_key), r._rid
  FROM placed p LEFT JOIN family_rows r ON r._n = 0 AND r._key = p._key;

-- [316] no parameters
-- family.sql: count_placed
-- Every combination placed, each in one row: the combinations, those placed, and their placements (a
-- combination in two rows counts twice there).
SELECT count(*)::BIGINT AS facts, count(*) FILTER (WHERE _placements > 0)::BIGINT AS placed,
       coalesce(sum(_placements), 0)::BIGINT AS rows
  FROM (SELECT count(_rid) AS _placements FROM family_place_0 GROUP BY _time, "Command", "Geography", "OSFamily", "RuntimeID", "OSVersion", "SDKVersion");

-- [317] $shift_time = 3, $shift_0 = 1, $shift_1 = 0, $step1_mask = "14", $step2_mask = "8"
-- family.sql: place_rows
-- Each value combination of table 1 among the batch's facts with the row its facts ended in. A fact's
-- row depends on its values only: its chain of keys is its labelled key (packed as the cell stage packs
-- it), then that key with each remainder step's dimensions cleared to Other (code 0, the step's mask),
-- and the cell stage leaves it in the first key of its chain that is a row (remainder steps are nested:
-- family-tables.ts checks). So the rows are found once per combination, not once per machine. A
-- combination without a label or a row stays, with no `_rid`, for count_placed to find.
CREATE OR REPLACE TEMP TABLE family_place_1 AS
  WITH labelled AS MATERIALIZED (
    SELECT f._time, f."Command", f."OSFamily", (t._code::BIGINT << $shift_time) /* Timestamp */
             | (l0._code::BIGINT << $shift_0) /* Command */
             | (l1._code::BIGINT << $shift_1) /* OSFamily */ AS _key0
    FROM (SELECT DISTINCT _time, "Command", "OSFamily" FROM family_combinations) f
    LEFT JOIN "ds_cli_usage_commands_time_codes" t ON t._value = f._time
    LEFT JOIN "ds_cli_usage_commands_label_0" l0 ON l0._value = f."Command"
    LEFT JOIN "ds_cli_usage_commands_label_1" l1 ON l1._value = f."OSFamily"),
  placed AS (
    SELECT * EXCLUDE (_key0), CASE WHEN _key0 IN (SELECT _key FROM "ds_cli_usage_commands_rows") THEN _key0
      WHEN (_key0 & $step1_mask::BIGINT) IN (SELECT _key FROM "ds_cli_usage_commands_rows") THEN (_key0 & $step1_mask::BIGINT)
      WHEN (_key0 & $step2_mask::BIGINT) IN (SELECT _key FROM "ds_cli_usage_commands_rows") THEN (_key0 & $step2_mask::BIGINT) END AS _key FROM labelled)
  SELECT p.* EXCLUDE (_key), r._rid
  FROM placed p LEFT JOIN family_rows r ON r._n = 1 AND r._key = p._key;

-- [318] no parameters
-- family.sql: count_placed
-- Every combination placed, each in one row: the combinations, those placed, and their placements (a
-- combination in two rows counts twice there).
SELECT count(*)::BIGINT AS facts, count(*) FILTER (WHERE _placements > 0)::BIGINT AS placed,
       coalesce(sum(_placements), 0)::BIGINT AS rows
  FROM (SELECT count(_rid) AS _placements FROM family_place_1 GROUP BY _time, "Command", "OSFamily");

-- [319] $shift_time = 3, $shift_0 = 1, $shift_1 = 0, $step1_mask = "9", $step2_mask = "8"
-- family.sql: place_rows
-- Each value combination of table 2 among the batch's facts with the row its facts ended in. A fact's
-- row depends on its values only: its chain of keys is its labelled key (packed as the cell stage packs
-- it), then that key with each remainder step's dimensions cleared to Other (code 0, the step's mask),
-- and the cell stage leaves it in the first key of its chain that is a row (remainder steps are nested:
-- family-tables.ts checks). So the rows are found once per combination, not once per machine. A
-- combination without a label or a row stays, with no `_rid`, for count_placed to find.
CREATE OR REPLACE TEMP TABLE family_place_2 AS
  WITH labelled AS MATERIALIZED (
    SELECT f._time, f."Command", f."Geography", (t._code::BIGINT << $shift_time) /* Timestamp */
             | (l0._code::BIGINT << $shift_0) /* Command */
             | (l1._code::BIGINT << $shift_1) /* Geography */ AS _key0
    FROM (SELECT DISTINCT _time, "Command", "Geography" FROM family_combinations) f
    LEFT JOIN "ds_cli_usage_geography_time_codes" t ON t._value = f._time
    LEFT JOIN "ds_cli_usage_geography_label_0" l0 ON l0._value = f."Command"
    LEFT JOIN "ds_cli_usage_geography_label_1" l1 ON l1._value = f."Geography"),
  placed AS (
    SELECT * EXCLUDE (_key0), CASE WHEN _key0 IN (SELECT _key FROM "ds_cli_usage_geography_rows") THEN _key0
      WHEN (_key0 & $step1_mask::BIGINT) IN (SELECT _key FROM "ds_cli_usage_geography_rows") THEN (_key0 & $step1_mask::BIGINT)
      WHEN (_key0 & $step2_mask::BIGINT) IN (SELECT _key FROM "ds_cli_usage_geography_rows") THEN (_key0 & $step2_mask::BIGINT) END AS _key FROM labelled)
  SELECT p.* EXCLUDE (_key), r._rid
  FROM placed p LEFT JOIN family_rows r ON r._n = 2 AND r._key = p._key;

-- [320] no parameters
-- family.sql: count_placed
-- Every combination placed, each in one row: the combinations, those placed, and their placements (a
-- combination in two rows counts twice there).
SELECT count(*)::BIGINT AS facts, count(*) FILTER (WHERE _placements > 0)::BIGINT AS placed,
       coalesce(sum(_placements), 0)::BIGINT AS rows
  FROM (SELECT count(_rid) AS _placements FROM family_place_2 GROUP BY _time, "Command", "Geography");

-- [321] $shift_time = 2, $shift_0 = 1, $shift_1 = 0, $step1_mask = "5", $step2_mask = "4"
-- family.sql: place_rows
-- Each value combination of table 3 among the batch's facts with the row its facts ended in. A fact's
-- row depends on its values only: its chain of keys is its labelled key (packed as the cell stage packs
-- it), then that key with each remainder step's dimensions cleared to Other (code 0, the step's mask),
-- and the cell stage leaves it in the first key of its chain that is a row (remainder steps are nested:
-- family-tables.ts checks). So the rows are found once per combination, not once per machine. A
-- combination without a label or a row stays, with no `_rid`, for count_placed to find.
CREATE OR REPLACE TEMP TABLE family_place_3 AS
  WITH labelled AS MATERIALIZED (
    SELECT f._time, f."OSFamily", f."Geography", (t._code::BIGINT << $shift_time) /* Timestamp */
             | (l0._code::BIGINT << $shift_0) /* OSFamily */
             | (l1._code::BIGINT << $shift_1) /* Geography */ AS _key0
    FROM (SELECT DISTINCT _time, "OSFamily", "Geography" FROM family_combinations) f
    LEFT JOIN "ds_cli_usage_geography_os_time_codes" t ON t._value = f._time
    LEFT JOIN "ds_cli_usage_geography_os_label_0" l0 ON l0._value = f."OSFamily"
    LEFT JOIN "ds_cli_usage_geography_os_label_1" l1 ON l1._value = f."Geography"),
  placed AS (
    SELECT * EXCLUDE (_key0), CASE WHEN _key0 IN (SELECT _key FROM "ds_cli_usage_geography_os_rows") THEN _key0
      WHEN (_key0 & $step1_mask::BIGINT) IN (SELECT _key FROM "ds_cli_usage_geography_os_rows") THEN (_key0 & $step1_mask::BIGINT)
      WHEN (_key0 & $step2_mask::BIGINT) IN (SELECT _key FROM "ds_cli_usage_geography_os_rows") THEN (_key0 & $step2_mask::BIGINT) END AS _key FROM labelled)
  SELECT p.* EXCLUDE (_key), r._rid
  FROM placed p LEFT JOIN family_rows r ON r._n = 3 AND r._key = p._key;

-- [322] no parameters
-- family.sql: count_placed
-- Every combination placed, each in one row: the combinations, those placed, and their placements (a
-- combination in two rows counts twice there).
SELECT count(*)::BIGINT AS facts, count(*) FILTER (WHERE _placements > 0)::BIGINT AS placed,
       coalesce(sum(_placements), 0)::BIGINT AS rows
  FROM (SELECT count(_rid) AS _placements FROM family_place_3 GROUP BY _time, "OSFamily", "Geography");

-- [323] $shift_time = 2, $shift_0 = 1, $shift_1 = 0, $step1_mask = "5", $step2_mask = "4"
-- family.sql: place_rows
-- Each value combination of table 4 among the batch's facts with the row its facts ended in. A fact's
-- row depends on its values only: its chain of keys is its labelled key (packed as the cell stage packs
-- it), then that key with each remainder step's dimensions cleared to Other (code 0, the step's mask),
-- and the cell stage leaves it in the first key of its chain that is a row (remainder steps are nested:
-- family-tables.ts checks). So the rows are found once per combination, not once per machine. A
-- combination without a label or a row stays, with no `_rid`, for count_placed to find.
CREATE OR REPLACE TEMP TABLE family_place_4 AS
  WITH labelled AS MATERIALIZED (
    SELECT f._time, f."OSFamily", f."OSVersion", (t._code::BIGINT << $shift_time) /* Timestamp */
             | (l0._code::BIGINT << $shift_0) /* OSFamily */
             | (l1._code::BIGINT << $shift_1) /* OSVersion */ AS _key0
    FROM (SELECT DISTINCT _time, "OSFamily", "OSVersion" FROM family_combinations) f
    LEFT JOIN "ds_cli_usage_os_time_codes" t ON t._value = f._time
    LEFT JOIN "ds_cli_usage_os_label_0" l0 ON l0._value = f."OSFamily"
    LEFT JOIN "ds_cli_usage_os_label_1" l1 ON l1._value = f."OSVersion"),
  placed AS (
    SELECT * EXCLUDE (_key0), CASE WHEN _key0 IN (SELECT _key FROM "ds_cli_usage_os_rows") THEN _key0
      WHEN (_key0 & $step1_mask::BIGINT) IN (SELECT _key FROM "ds_cli_usage_os_rows") THEN (_key0 & $step1_mask::BIGINT)
      WHEN (_key0 & $step2_mask::BIGINT) IN (SELECT _key FROM "ds_cli_usage_os_rows") THEN (_key0 & $step2_mask::BIGINT) END AS _key FROM labelled)
  SELECT p.* EXCLUDE (_key), r._rid
  FROM placed p LEFT JOIN family_rows r ON r._n = 4 AND r._key = p._key;

-- [324] no parameters
-- family.sql: count_placed
-- Every combination placed, each in one row: the combinations, those placed, and their placements (a
-- combination in two rows counts twice there).
SELECT count(*)::BIGINT AS facts, count(*) FILTER (WHERE _placements > 0)::BIGINT AS placed,
       coalesce(sum(_placements), 0)::BIGINT AS rows
  FROM (SELECT count(_rid) AS _placements FROM family_place_4 GROUP BY _time, "OSFamily", "OSVersion");

-- [325] $shift_time = 1, $shift_0 = 0, $step1_mask = "2"
-- family.sql: place_rows
-- Each value combination of table 5 among the batch's facts with the row its facts ended in. A fact's
-- row depends on its values only: its chain of keys is its labelled key (packed as the cell stage packs
-- it), then that key with each remainder step's dimensions cleared to Other (code 0, the step's mask),
-- and the cell stage leaves it in the first key of its chain that is a row (remainder steps are nested:
-- family-tables.ts checks). So the rows are found once per combination, not once per machine. A
-- combination without a label or a row stays, with no `_rid`, for count_placed to find.
CREATE OR REPLACE TEMP TABLE family_place_5 AS
  WITH labelled AS MATERIALIZED (
    SELECT f._time, f."RuntimeID", (t._code::BIGINT << $shift_time) /* Timestamp */
             | (l0._code::BIGINT << $shift_0) /* RuntimeID */ AS _key0
    FROM (SELECT DISTINCT _time, "RuntimeID" FROM family_combinations) f
    LEFT JOIN "ds_cli_usage_runtime_time_codes" t ON t._value = f._time
    LEFT JOIN "ds_cli_usage_runtime_label_0" l0 ON l0._value = f."RuntimeID"),
  placed AS (
    SELECT * EXCLUDE (_key0), CASE WHEN _key0 IN (SELECT _key FROM "ds_cli_usage_runtime_rows") THEN _key0
      WHEN (_key0 & $step1_mask::BIGINT) IN (SELECT _key FROM "ds_cli_usage_runtime_rows") THEN (_key0 & $step1_mask::BIGINT) END AS _key FROM labelled)
  SELECT p.* EXCLUDE (_key), r._rid
  FROM placed p LEFT JOIN family_rows r ON r._n = 5 AND r._key = p._key;

-- [326] no parameters
-- family.sql: count_placed
-- Every combination placed, each in one row: the combinations, those placed, and their placements (a
-- combination in two rows counts twice there).
SELECT count(*)::BIGINT AS facts, count(*) FILTER (WHERE _placements > 0)::BIGINT AS placed,
       coalesce(sum(_placements), 0)::BIGINT AS rows
  FROM (SELECT count(_rid) AS _placements FROM family_place_5 GROUP BY _time, "RuntimeID");

-- [327] $shift_time = 2, $shift_0 = 1, $shift_1 = 0, $step1_mask = "5", $step2_mask = "4"
-- family.sql: place_rows
-- Each value combination of table 6 among the batch's facts with the row its facts ended in. A fact's
-- row depends on its values only: its chain of keys is its labelled key (packed as the cell stage packs
-- it), then that key with each remainder step's dimensions cleared to Other (code 0, the step's mask),
-- and the cell stage leaves it in the first key of its chain that is a row (remainder steps are nested:
-- family-tables.ts checks). So the rows are found once per combination, not once per machine. A
-- combination without a label or a row stays, with no `_rid`, for count_placed to find.
CREATE OR REPLACE TEMP TABLE family_place_6 AS
  WITH labelled AS MATERIALIZED (
    SELECT f._time, f."OSFamily", f."SDKVersion", (t._code::BIGINT << $shift_time) /* Timestamp */
             | (l0._code::BIGINT << $shift_0) /* OSFamily */
             | (l1._code::BIGINT << $shift_1) /* SDKVersion */ AS _key0
    FROM (SELECT DISTINCT _time, "OSFamily", "SDKVersion" FROM family_combinations) f
    LEFT JOIN "ds_cli_usage_sdk_time_codes" t ON t._value = f._time
    LEFT JOIN "ds_cli_usage_sdk_label_0" l0 ON l0._value = f."OSFamily"
    LEFT JOIN "ds_cli_usage_sdk_label_1" l1 ON l1._value = f."SDKVersion"),
  placed AS (
    SELECT * EXCLUDE (_key0), CASE WHEN _key0 IN (SELECT _key FROM "ds_cli_usage_sdk_rows") THEN _key0
      WHEN (_key0 & $step1_mask::BIGINT) IN (SELECT _key FROM "ds_cli_usage_sdk_rows") THEN (_key0 & $step1_mask::BIGINT)
      WHEN (_key0 & $step2_mask::BIGINT) IN (SELECT _key FROM "ds_cli_usage_sdk_rows") THEN (_key0 & $step2_mask::BIGINT) END AS _key FROM labelled)
  SELECT p.* EXCLUDE (_key), r._rid
  FROM placed p LEFT JOIN family_rows r ON r._n = 6 AND r._key = p._key;

-- [328] no parameters
-- family.sql: count_placed
-- Every combination placed, each in one row: the combinations, those placed, and their placements (a
-- combination in two rows counts twice there).
SELECT count(*)::BIGINT AS facts, count(*) FILTER (WHERE _placements > 0)::BIGINT AS placed,
       coalesce(sum(_placements), 0)::BIGINT AS rows
  FROM (SELECT count(_rid) AS _placements FROM family_place_6 GROUP BY _time, "OSFamily", "SDKVersion");

-- [329] $from = "", $until = "￿"
-- family.sql: unmatched_facts
-- The facts of table 1 that are not the projection of a base fact onto its dimensions, and the
-- projections that are not facts of table 1: zero when the tables count the same events. (Events,
-- not only facts, could differ: the daily contribution bound scales each table's facts on its own.)
-- One grouping of both sides, each key marked with the sides it is on: the same count as a FULL JOIN
-- of the two sides made distinct, for one hash table instead of three.
SELECT count(*)::BIGINT AS n
  FROM (
    SELECT bool_or(_in_base) AS _in_base, bool_or(NOT _in_base) AS _in_table
    FROM (
      SELECT machine_id, _time, "Command", "OSFamily", true AS _in_base FROM family_base
      UNION ALL
      SELECT f.machine_id, f."Timestamp" AS _time, f."Command", f."OSFamily", false AS _in_base
      FROM "ds_cli_usage_commands_facts" f
      JOIN "ds_cli_usage_commands_time_codes" t ON t._value = f."Timestamp"
      WHERE t._text >= $from AND t._text < $until AND true)
    GROUP BY machine_id, _time, "Command", "OSFamily")
  WHERE NOT (_in_base AND _in_table);

-- [330] $from = "", $until = "￿"
-- family.sql: unmatched_facts
-- The facts of table 2 that are not the projection of a base fact onto its dimensions, and the
-- projections that are not facts of table 2: zero when the tables count the same events. (Events,
-- not only facts, could differ: the daily contribution bound scales each table's facts on its own.)
-- One grouping of both sides, each key marked with the sides it is on: the same count as a FULL JOIN
-- of the two sides made distinct, for one hash table instead of three.
SELECT count(*)::BIGINT AS n
  FROM (
    SELECT bool_or(_in_base) AS _in_base, bool_or(NOT _in_base) AS _in_table
    FROM (
      SELECT machine_id, _time, "Command", "Geography", true AS _in_base FROM family_base
      UNION ALL
      SELECT f.machine_id, f."Timestamp" AS _time, f."Command", f."Geography", false AS _in_base
      FROM "ds_cli_usage_geography_facts" f
      JOIN "ds_cli_usage_geography_time_codes" t ON t._value = f."Timestamp"
      WHERE t._text >= $from AND t._text < $until AND true)
    GROUP BY machine_id, _time, "Command", "Geography")
  WHERE NOT (_in_base AND _in_table);

-- [331] $from = "", $until = "￿"
-- family.sql: unmatched_facts
-- The facts of table 3 that are not the projection of a base fact onto its dimensions, and the
-- projections that are not facts of table 3: zero when the tables count the same events. (Events,
-- not only facts, could differ: the daily contribution bound scales each table's facts on its own.)
-- One grouping of both sides, each key marked with the sides it is on: the same count as a FULL JOIN
-- of the two sides made distinct, for one hash table instead of three.
SELECT count(*)::BIGINT AS n
  FROM (
    SELECT bool_or(_in_base) AS _in_base, bool_or(NOT _in_base) AS _in_table
    FROM (
      SELECT machine_id, _time, "OSFamily", "Geography", true AS _in_base FROM family_base
      UNION ALL
      SELECT f.machine_id, f."Timestamp" AS _time, f."OSFamily", f."Geography", false AS _in_base
      FROM "ds_cli_usage_geography_os_facts" f
      JOIN "ds_cli_usage_geography_os_time_codes" t ON t._value = f."Timestamp"
      WHERE t._text >= $from AND t._text < $until AND true)
    GROUP BY machine_id, _time, "OSFamily", "Geography")
  WHERE NOT (_in_base AND _in_table);

-- [332] $from = "", $until = "￿"
-- family.sql: unmatched_facts
-- The facts of table 4 that are not the projection of a base fact onto its dimensions, and the
-- projections that are not facts of table 4: zero when the tables count the same events. (Events,
-- not only facts, could differ: the daily contribution bound scales each table's facts on its own.)
-- One grouping of both sides, each key marked with the sides it is on: the same count as a FULL JOIN
-- of the two sides made distinct, for one hash table instead of three.
SELECT count(*)::BIGINT AS n
  FROM (
    SELECT bool_or(_in_base) AS _in_base, bool_or(NOT _in_base) AS _in_table
    FROM (
      SELECT machine_id, _time, "OSFamily", "OSVersion", true AS _in_base FROM family_base
      UNION ALL
      SELECT f.machine_id, f."Timestamp" AS _time, f."OSFamily", f."OSVersion", false AS _in_base
      FROM "ds_cli_usage_os_facts" f
      JOIN "ds_cli_usage_os_time_codes" t ON t._value = f."Timestamp"
      WHERE t._text >= $from AND t._text < $until AND true)
    GROUP BY machine_id, _time, "OSFamily", "OSVersion")
  WHERE NOT (_in_base AND _in_table);

-- [333] $from = "", $until = "￿"
-- family.sql: unmatched_facts
-- The facts of table 5 that are not the projection of a base fact onto its dimensions, and the
-- projections that are not facts of table 5: zero when the tables count the same events. (Events,
-- not only facts, could differ: the daily contribution bound scales each table's facts on its own.)
-- One grouping of both sides, each key marked with the sides it is on: the same count as a FULL JOIN
-- of the two sides made distinct, for one hash table instead of three.
SELECT count(*)::BIGINT AS n
  FROM (
    SELECT bool_or(_in_base) AS _in_base, bool_or(NOT _in_base) AS _in_table
    FROM (
      SELECT machine_id, _time, "RuntimeID", true AS _in_base FROM family_base
      UNION ALL
      SELECT f.machine_id, f."Timestamp" AS _time, f."RuntimeID", false AS _in_base
      FROM "ds_cli_usage_runtime_facts" f
      JOIN "ds_cli_usage_runtime_time_codes" t ON t._value = f."Timestamp"
      WHERE t._text >= $from AND t._text < $until AND true)
    GROUP BY machine_id, _time, "RuntimeID")
  WHERE NOT (_in_base AND _in_table);

-- [334] $from = "", $until = "￿"
-- family.sql: unmatched_facts
-- The facts of table 6 that are not the projection of a base fact onto its dimensions, and the
-- projections that are not facts of table 6: zero when the tables count the same events. (Events,
-- not only facts, could differ: the daily contribution bound scales each table's facts on its own.)
-- One grouping of both sides, each key marked with the sides it is on: the same count as a FULL JOIN
-- of the two sides made distinct, for one hash table instead of three.
SELECT count(*)::BIGINT AS n
  FROM (
    SELECT bool_or(_in_base) AS _in_base, bool_or(NOT _in_base) AS _in_table
    FROM (
      SELECT machine_id, _time, "OSFamily", "SDKVersion", true AS _in_base FROM family_base
      UNION ALL
      SELECT f.machine_id, f."Timestamp" AS _time, f."OSFamily", f."SDKVersion", false AS _in_base
      FROM "ds_cli_usage_sdk_facts" f
      JOIN "ds_cli_usage_sdk_time_codes" t ON t._value = f."Timestamp"
      WHERE t._text >= $from AND t._text < $until AND true)
    GROUP BY machine_id, _time, "OSFamily", "SDKVersion")
  WHERE NOT (_in_base AND _in_table);

-- [335] no parameters
-- family.sql: pairs
-- Every (machine, fact) pair of the batch with its row in each table (`_r1` ...); pairs of one machine
-- with the same rows in every table (the same signature) are one. Pairs with the same signature form
-- an inner cell; `_idx` numbers a day's inner cells in signature order. The rows are columns only, not
-- also a list: the table is the family step's largest, and a list column made it half again as wide.
CREATE OR REPLACE TEMP TABLE family_pairs AS
  WITH signed AS (
    SELECT c.*, p0._rid AS _r1, p1._rid AS _r2, p2._rid AS _r3, p3._rid AS _r4, p4._rid AS _r5, p5._rid AS _r6, p6._rid AS _r7
    FROM family_combinations c
    JOIN family_place_0 p0 ON p0._time = c._time AND p0."Command" = c."Command" AND p0."Geography" = c."Geography" AND p0."OSFamily" = c."OSFamily" AND p0."RuntimeID" = c."RuntimeID" AND p0."OSVersion" = c."OSVersion" AND p0."SDKVersion" = c."SDKVersion"
    JOIN family_place_1 p1 ON p1._time = c._time AND p1."Command" = c."Command" AND p1."OSFamily" = c."OSFamily"
    JOIN family_place_2 p2 ON p2._time = c._time AND p2."Command" = c."Command" AND p2."Geography" = c."Geography"
    JOIN family_place_3 p3 ON p3._time = c._time AND p3."OSFamily" = c."OSFamily" AND p3."Geography" = c."Geography"
    JOIN family_place_4 p4 ON p4._time = c._time AND p4."OSFamily" = c."OSFamily" AND p4."OSVersion" = c."OSVersion"
    JOIN family_place_5 p5 ON p5._time = c._time AND p5."RuntimeID" = c."RuntimeID"
    JOIN family_place_6 p6 ON p6._time = c._time AND p6."OSFamily" = c."OSFamily" AND p6."SDKVersion" = c."SDKVersion")
  SELECT _day, machine_id, _r1, _r2, _r3, _r4, _r5, _r6, _r7, (dense_rank() OVER (PARTITION BY _day ORDER BY _r1, _r2, _r3, _r4, _r5, _r6, _r7) - 1)::INTEGER AS _idx
  FROM (
    SELECT DISTINCT b._time::VARCHAR AS _day, b.machine_id, s._r1, s._r2, s._r3, s._r4, s._r5, s._r6, s._r7
    FROM family_base b JOIN signed s USING (_time, "Command", "Geography", "OSFamily", "RuntimeID", "OSVersion", "SDKVersion"));

-- [336] no parameters
-- family.sql: signatures
-- The batch's inner cells: each day's signatures (the rows of a pair in every table, also as a list)
-- with their number and their machines (a pair is one machine's, once per signature).
CREATE OR REPLACE TEMP TABLE family_cells AS
  SELECT _day, _idx, [_r1, _r2, _r3, _r4, _r5, _r6, _r7] AS _rows, _r1, _r2, _r3, _r4, _r5, _r6, _r7, _machines FROM (
    SELECT _day, _idx, any_value(_r1) AS _r1, any_value(_r2) AS _r2, any_value(_r3) AS _r3, any_value(_r4) AS _r4, any_value(_r5) AS _r5, any_value(_r6) AS _r6, any_value(_r7) AS _r7, count(*)::BIGINT AS _machines
    FROM family_pairs GROUP BY _day, _idx);

-- [337] $from = "", $until = "￿"
-- family.sql: vectors
-- Each row of the batch's days as the sorted list of the inner cells it sums, ordered by day so that
-- one day's slice is read without a scan of the others.
CREATE OR REPLACE TEMP TABLE family_vectors AS
  SELECT r._day, r._rid, r._row_id AS id, r.value::BIGINT AS value, r.published, coalesce(v.cells, []) AS cells
  FROM family_rows r
  LEFT JOIN (
    SELECT _day, _rid, list(_idx ORDER BY _idx) AS cells
    FROM (SELECT DISTINCT _day, unnest(_rows) AS _rid, _idx FROM family_cells)
    GROUP BY _day, _rid) v USING (_day, _rid)
  WHERE r._day >= $from AND r._day < $until
  ORDER BY r._day, r._rid;

-- [338] $k = 10
-- family.sql: small_pairs
-- The pairs of the inner cells under $k machines: an intersection can be under k only when each of its
-- cells is (protected_intersection), so these are the only pairs its machines are counted from, and
-- far fewer than all (each intersection of two tables scanned every pair before).
CREATE OR REPLACE TEMP TABLE family_small_pairs AS
  SELECT p.* FROM family_pairs p
  JOIN (SELECT _day, _idx FROM family_cells WHERE _machines < $k) c USING (_day, _idx);

-- [339] no parameters
-- family.sql: drop_family
DROP TABLE family_pairs;

-- [340] $k = 10
-- family.sql: protected
-- Every figure under k a difference could aim at, by day: each inner cell and each pairwise
-- intersection of rows of two tables. Figures are named by the rows they intersect, never by a count.
CREATE OR REPLACE TEMP TABLE family_protected AS
  SELECT * FROM (
  -- family.sql: protected_inner
-- (A fragment of protected.) Inner cells resting on fewer than $k machines.
SELECT _day, 'inner' AS kind, _rows AS figure_rows, [_idx] AS cells FROM family_cells WHERE _machines < $k
  UNION ALL -- family.sql: protected_intersection
-- (A fragment of protected.) The events of a row of table 1 inside a row of table 2, where they
-- rest on fewer than $k machines, with the inner cells they hold. An intersection's machines are the
-- union of its inner cells' machines: at least the most of one cell's and at most their sum. So only
-- intersections whose cells are each under k can be under k, and only those whose sum reaches k are
-- counted machine by machine; the cells are listed for those found, not for every intersection. A row
-- belongs to one day, so its id alone groups. An intersection of one inner cell is that cell, already a
-- figure: left out.
SELECT * FROM (
  WITH candidates AS (
    SELECT _r1 AS _a, _r2 AS _b, sum(_machines) AS _most
    FROM family_cells GROUP BY _r1, _r2
    HAVING count(*) > 1 AND max(_machines) < $k),
  found AS (
    SELECT _a, _b FROM candidates WHERE _most < $k
    UNION ALL
    SELECT p._r1, p._r2
    FROM family_small_pairs p JOIN candidates c ON p._r1 = c._a AND p._r2 = c._b AND c._most >= $k
    GROUP BY p._r1, p._r2 HAVING count(DISTINCT p.machine_id) < $k)
  SELECT any_value(c._day) AS _day, 'intersection' AS kind, [f._a, f._b] AS figure_rows,
         list(c._idx ORDER BY c._idx) AS cells
  FROM found f JOIN family_cells c ON c._r1 = f._a AND c._r2 = f._b
  GROUP BY f._a, f._b)
  UNION ALL -- family.sql: protected_intersection
-- (A fragment of protected.) The events of a row of table 1 inside a row of table 3, where they
-- rest on fewer than $k machines, with the inner cells they hold. An intersection's machines are the
-- union of its inner cells' machines: at least the most of one cell's and at most their sum. So only
-- intersections whose cells are each under k can be under k, and only those whose sum reaches k are
-- counted machine by machine; the cells are listed for those found, not for every intersection. A row
-- belongs to one day, so its id alone groups. An intersection of one inner cell is that cell, already a
-- figure: left out.
SELECT * FROM (
  WITH candidates AS (
    SELECT _r1 AS _a, _r3 AS _b, sum(_machines) AS _most
    FROM family_cells GROUP BY _r1, _r3
    HAVING count(*) > 1 AND max(_machines) < $k),
  found AS (
    SELECT _a, _b FROM candidates WHERE _most < $k
    UNION ALL
    SELECT p._r1, p._r3
    FROM family_small_pairs p JOIN candidates c ON p._r1 = c._a AND p._r3 = c._b AND c._most >= $k
    GROUP BY p._r1, p._r3 HAVING count(DISTINCT p.machine_id) < $k)
  SELECT any_value(c._day) AS _day, 'intersection' AS kind, [f._a, f._b] AS figure_rows,
         list(c._idx ORDER BY c._idx) AS cells
  FROM found f JOIN family_cells c ON c._r1 = f._a AND c._r3 = f._b
  GROUP BY f._a, f._b)
  UNION ALL -- family.sql: protected_intersection
-- (A fragment of protected.) The events of a row of table 1 inside a row of table 4, where they
-- rest on fewer than $k machines, with the inner cells they hold. An intersection's machines are the
-- union of its inner cells' machines: at least the most of one cell's and at most their sum. So only
-- intersections whose cells are each under k can be under k, and only those whose sum reaches k are
-- counted machine by machine; the cells are listed for those found, not for every intersection. A row
-- belongs to one day, so its id alone groups. An intersection of one inner cell is that cell, already a
-- figure: left out.
SELECT * FROM (
  WITH candidates AS (
    SELECT _r1 AS _a, _r4 AS _b, sum(_machines) AS _most
    FROM family_cells GROUP BY _r1, _r4
    HAVING count(*) > 1 AND max(_machines) < $k),
  found AS (
    SELECT _a, _b FROM candidates WHERE _most < $k
    UNION ALL
    SELECT p._r1, p._r4
    FROM family_small_pairs p JOIN candidates c ON p._r1 = c._a AND p._r4 = c._b AND c._most >= $k
    GROUP BY p._r1, p._r4 HAVING count(DISTINCT p.machine_id) < $k)
  SELECT any_value(c._day) AS _day, 'intersection' AS kind, [f._a, f._b] AS figure_rows,
         list(c._idx ORDER BY c._idx) AS cells
  FROM found f JOIN family_cells c ON c._r1 = f._a AND c._r4 = f._b
  GROUP BY f._a, f._b)
  UNION ALL -- family.sql: protected_intersection
-- (A fragment of protected.) The events of a row of table 1 inside a row of table 5, where they
-- rest on fewer than $k machines, with the inner cells they hold. An intersection's machines are the
-- union of its inner cells' machines: at least the most of one cell's and at most their sum. So only
-- intersections whose cells are each under k can be under k, and only those whose sum reaches k are
-- counted machine by machine; the cells are listed for those found, not for every intersection. A row
-- belongs to one day, so its id alone groups. An intersection of one inner cell is that cell, already a
-- figure: left out.
SELECT * FROM (
  WITH candidates AS (
    SELECT _r1 AS _a, _r5 AS _b, sum(_machines) AS _most
    FROM family_cells GROUP BY _r1, _r5
    HAVING count(*) > 1 AND max(_machines) < $k),
  found AS (
    SELECT _a, _b FROM candidates WHERE _most < $k
    UNION ALL
    SELECT p._r1, p._r5
    FROM family_small_pairs p JOIN candidates c ON p._r1 = c._a AND p._r5 = c._b AND c._most >= $k
    GROUP BY p._r1, p._r5 HAVING count(DISTINCT p.machine_id) < $k)
  SELECT any_value(c._day) AS _day, 'intersection' AS kind, [f._a, f._b] AS figure_rows,
         list(c._idx ORDER BY c._idx) AS cells
  FROM found f JOIN family_cells c ON c._r1 = f._a AND c._r5 = f._b
  GROUP BY f._a, f._b)
  UNION ALL -- family.sql: protected_intersection
-- (A fragment of protected.) The events of a row of table 1 inside a row of table 6, where they
-- rest on fewer than $k machines, with the inner cells they hold. An intersection's machines are the
-- union of its inner cells' machines: at least the most of one cell's and at most their sum. So only
-- intersections whose cells are each under k can be under k, and only those whose sum reaches k are
-- counted machine by machine; the cells are listed for those found, not for every intersection. A row
-- belongs to one day, so its id alone groups. An intersection of one inner cell is that cell, already a
-- figure: left out.
SELECT * FROM (
  WITH candidates AS (
    SELECT _r1 AS _a, _r6 AS _b, sum(_machines) AS _most
    FROM family_cells GROUP BY _r1, _r6
    HAVING count(*) > 1 AND max(_machines) < $k),
  found AS (
    SELECT _a, _b FROM candidates WHERE _most < $k
    UNION ALL
    SELECT p._r1, p._r6
    FROM family_small_pairs p JOIN candidates c ON p._r1 = c._a AND p._r6 = c._b AND c._most >= $k
    GROUP BY p._r1, p._r6 HAVING count(DISTINCT p.machine_id) < $k)
  SELECT any_value(c._day) AS _day, 'intersection' AS kind, [f._a, f._b] AS figure_rows,
         list(c._idx ORDER BY c._idx) AS cells
  FROM found f JOIN family_cells c ON c._r1 = f._a AND c._r6 = f._b
  GROUP BY f._a, f._b)
  UNION ALL -- family.sql: protected_intersection
-- (A fragment of protected.) The events of a row of table 1 inside a row of table 7, where they
-- rest on fewer than $k machines, with the inner cells they hold. An intersection's machines are the
-- union of its inner cells' machines: at least the most of one cell's and at most their sum. So only
-- intersections whose cells are each under k can be under k, and only those whose sum reaches k are
-- counted machine by machine; the cells are listed for those found, not for every intersection. A row
-- belongs to one day, so its id alone groups. An intersection of one inner cell is that cell, already a
-- figure: left out.
SELECT * FROM (
  WITH candidates AS (
    SELECT _r1 AS _a, _r7 AS _b, sum(_machines) AS _most
    FROM family_cells GROUP BY _r1, _r7
    HAVING count(*) > 1 AND max(_machines) < $k),
  found AS (
    SELECT _a, _b FROM candidates WHERE _most < $k
    UNION ALL
    SELECT p._r1, p._r7
    FROM family_small_pairs p JOIN candidates c ON p._r1 = c._a AND p._r7 = c._b AND c._most >= $k
    GROUP BY p._r1, p._r7 HAVING count(DISTINCT p.machine_id) < $k)
  SELECT any_value(c._day) AS _day, 'intersection' AS kind, [f._a, f._b] AS figure_rows,
         list(c._idx ORDER BY c._idx) AS cells
  FROM found f JOIN family_cells c ON c._r1 = f._a AND c._r7 = f._b
  GROUP BY f._a, f._b)
  UNION ALL -- family.sql: protected_intersection
-- (A fragment of protected.) The events of a row of table 2 inside a row of table 3, where they
-- rest on fewer than $k machines, with the inner cells they hold. An intersection's machines are the
-- union of its inner cells' machines: at least the most of one cell's and at most their sum. So only
-- intersections whose cells are each under k can be under k, and only those whose sum reaches k are
-- counted machine by machine; the cells are listed for those found, not for every intersection. A row
-- belongs to one day, so its id alone groups. An intersection of one inner cell is that cell, already a
-- figure: left out.
SELECT * FROM (
  WITH candidates AS (
    SELECT _r2 AS _a, _r3 AS _b, sum(_machines) AS _most
    FROM family_cells GROUP BY _r2, _r3
    HAVING count(*) > 1 AND max(_machines) < $k),
  found AS (
    SELECT _a, _b FROM candidates WHERE _most < $k
    UNION ALL
    SELECT p._r2, p._r3
    FROM family_small_pairs p JOIN candidates c ON p._r2 = c._a AND p._r3 = c._b AND c._most >= $k
    GROUP BY p._r2, p._r3 HAVING count(DISTINCT p.machine_id) < $k)
  SELECT any_value(c._day) AS _day, 'intersection' AS kind, [f._a, f._b] AS figure_rows,
         list(c._idx ORDER BY c._idx) AS cells
  FROM found f JOIN family_cells c ON c._r2 = f._a AND c._r3 = f._b
  GROUP BY f._a, f._b)
  UNION ALL -- family.sql: protected_intersection
-- (A fragment of protected.) The events of a row of table 2 inside a row of table 4, where they
-- rest on fewer than $k machines, with the inner cells they hold. An intersection's machines are the
-- union of its inner cells' machines: at least the most of one cell's and at most their sum. So only
-- intersections whose cells are each under k can be under k, and only those whose sum reaches k are
-- counted machine by machine; the cells are listed for those found, not for every intersection. A row
-- belongs to one day, so its id alone groups. An intersection of one inner cell is that cell, already a
-- figure: left out.
SELECT * FROM (
  WITH candidates AS (
    SELECT _r2 AS _a, _r4 AS _b, sum(_machines) AS _most
    FROM family_cells GROUP BY _r2, _r4
    HAVING count(*) > 1 AND max(_machines) < $k),
  found AS (
    SELECT _a, _b FROM candidates WHERE _most < $k
    UNION ALL
    SELECT p._r2, p._r4
    FROM family_small_pairs p JOIN candidates c ON p._r2 = c._a AND p._r4 = c._b AND c._most >= $k
    GROUP BY p._r2, p._r4 HAVING count(DISTINCT p.machine_id) < $k)
  SELECT any_value(c._day) AS _day, 'intersection' AS kind, [f._a, f._b] AS figure_rows,
         list(c._idx ORDER BY c._idx) AS cells
  FROM found f JOIN family_cells c ON c._r2 = f._a AND c._r4 = f._b
  GROUP BY f._a, f._b)
  UNION ALL -- family.sql: protected_intersection
-- (A fragment of protected.) The events of a row of table 2 inside a row of table 5, where they
-- rest on fewer than $k machines, with the inner cells they hold. An intersection's machines are the
-- union of its inner cells' machines: at least the most of one cell's and at most their sum. So only
-- intersections whose cells are each under k can be under k, and only those whose sum reaches k are
-- counted machine by machine; the cells are listed for those found, not for every intersection. A row
-- belongs to one day, so its id alone groups. An intersection of one inner cell is that cell, already a
-- figure: left out.
SELECT * FROM (
  WITH candidates AS (
    SELECT _r2 AS _a, _r5 AS _b, sum(_machines) AS _most
    FROM family_cells GROUP BY _r2, _r5
    HAVING count(*) > 1 AND max(_machines) < $k),
  found AS (
    SELECT _a, _b FROM candidates WHERE _most < $k
    UNION ALL
    SELECT p._r2, p._r5
    FROM family_small_pairs p JOIN candidates c ON p._r2 = c._a AND p._r5 = c._b AND c._most >= $k
    GROUP BY p._r2, p._r5 HAVING count(DISTINCT p.machine_id) < $k)
  SELECT any_value(c._day) AS _day, 'intersection' AS kind, [f._a, f._b] AS figure_rows,
         list(c._idx ORDER BY c._idx) AS cells
  FROM found f JOIN family_cells c ON c._r2 = f._a AND c._r5 = f._b
  GROUP BY f._a, f._b)
  UNION ALL -- family.sql: protected_intersection
-- (A fragment of protected.) The events of a row of table 2 inside a row of table 6, where they
-- rest on fewer than $k machines, with the inner cells they hold. An intersection's machines are the
-- union of its inner cells' machines: at least the most of one cell's and at most their sum. So only
-- intersections whose cells are each under k can be under k, and only those whose sum reaches k are
-- counted machine by machine; the cells are listed for those found, not for every intersection. A row
-- belongs to one day, so its id alone groups. An intersection of one inner cell is that cell, already a
-- figure: left out.
SELECT * FROM (
  WITH candidates AS (
    SELECT _r2 AS _a, _r6 AS _b, sum(_machines) AS _most
    FROM family_cells GROUP BY _r2, _r6
    HAVING count(*) > 1 AND max(_machines) < $k),
  found AS (
    SELECT _a, _b FROM candidates WHERE _most < $k
    UNION ALL
    SELECT p._r2, p._r6
    FROM family_small_pairs p JOIN candidates c ON p._r2 = c._a AND p._r6 = c._b AND c._most >= $k
    GROUP BY p._r2, p._r6 HAVING count(DISTINCT p.machine_id) < $k)
  SELECT any_value(c._day) AS _day, 'intersection' AS kind, [f._a, f._b] AS figure_rows,
         list(c._idx ORDER BY c._idx) AS cells
  FROM found f JOIN family_cells c ON c._r2 = f._a AND c._r6 = f._b
  GROUP BY f._a, f._b)
  UNION ALL -- family.sql: protected_intersection
-- (A fragment of protected.) The events of a row of table 2 inside a row of table 7, where they
-- rest on fewer than $k machines, with the inner cells they hold. An intersection's machines are the
-- union of its inner cells' machines: at least the most of one cell's and at most their sum. So only
-- intersections whose cells are each under k can be under k, and only those whose sum reaches k are
-- counted machine by machine; the cells are listed for those found, not for every intersection. A row
-- belongs to one day, so its id alone groups. An intersection of one inner cell is that cell, already a
-- figure: left out.
SELECT * FROM (
  WITH candidates AS (
    SELECT _r2 AS _a, _r7 AS _b, sum(_machines) AS _most
    FROM family_cells GROUP BY _r2, _r7
    HAVING count(*) > 1 AND max(_machines) < $k),
  found AS (
    SELECT _a, _b FROM candidates WHERE _most < $k
    UNION ALL
    SELECT p._r2, p._r7
    FROM family_small_pairs p JOIN candidates c ON p._r2 = c._a AND p._r7 = c._b AND c._most >= $k
    GROUP BY p._r2, p._r7 HAVING count(DISTINCT p.machine_id) < $k)
  SELECT any_value(c._day) AS _day, 'intersection' AS kind, [f._a, f._b] AS figure_rows,
         list(c._idx ORDER BY c._idx) AS cells
  FROM found f JOIN family_cells c ON c._r2 = f._a AND c._r7 = f._b
  GROUP BY f._a, f._b)
  UNION ALL -- family.sql: protected_intersection
-- (A fragment of protected.) The events of a row of table 3 inside a row of table 4, where they
-- rest on fewer than $k machines, with the inner cells they hold. An intersection's machines are the
-- union of its inner cells' machines: at least the most of one cell's and at most their sum. So only
-- intersections whose cells are each under k can be under k, and only those whose sum reaches k are
-- counted machine by machine; the cells are listed for those found, not for every intersection. A row
-- belongs to one day, so its id alone groups. An intersection of one inner cell is that cell, already a
-- figure: left out.
SELECT * FROM (
  WITH candidates AS (
    SELECT _r3 AS _a, _r4 AS _b, sum(_machines) AS _most
    FROM family_cells GROUP BY _r3, _r4
    HAVING count(*) > 1 AND max(_machines) < $k),
  found AS (
    SELECT _a, _b FROM candidates WHERE _most < $k
    UNION ALL
    SELECT p._r3, p._r4
    FROM family_small_pairs p JOIN candidates c ON p._r3 = c._a AND p._r4 = c._b AND c._most >= $k
    GROUP BY p._r3, p._r4 HAVING count(DISTINCT p.machine_id) < $k)
  SELECT any_value(c._day) AS _day, 'intersection' AS kind, [f._a, f._b] AS figure_rows,
         list(c._idx ORDER BY c._idx) AS cells
  FROM found f JOIN family_cells c ON c._r3 = f._a AND c._r4 = f._b
  GROUP BY f._a, f._b)
  UNION ALL -- family.sql: protected_intersection
-- (A fragment of protected.) The events of a row of table 3 inside a row of table 5, where they
-- rest on fewer than $k machines, with the inner cells they hold. An intersection's machines are the
-- union of its inner cells' machines: at least the most of one cell's and at most their sum. So only
-- intersections whose cells are each under k can be under k, and only those whose sum reaches k are
-- counted machine by machine; the cells are listed for those found, not for every intersection. A row
-- belongs to one day, so its id alone groups. An intersection of one inner cell is that cell, already a
-- figure: left out.
SELECT * FROM (
  WITH candidates AS (
    SELECT _r3 AS _a, _r5 AS _b, sum(_machines) AS _most
    FROM family_cells GROUP BY _r3, _r5
    HAVING count(*) > 1 AND max(_machines) < $k),
  found AS (
    SELECT _a, _b FROM candidates WHERE _most < $k
    UNION ALL
    SELECT p._r3, p._r5
    FROM family_small_pairs p JOIN candidates c ON p._r3 = c._a AND p._r5 = c._b AND c._most >= $k
    GROUP BY p._r3, p._r5 HAVING count(DISTINCT p.machine_id) < $k)
  SELECT any_value(c._day) AS _day, 'intersection' AS kind, [f._a, f._b] AS figure_rows,
         list(c._idx ORDER BY c._idx) AS cells
  FROM found f JOIN family_cells c ON c._r3 = f._a AND c._r5 = f._b
  GROUP BY f._a, f._b)
  UNION ALL -- family.sql: protected_intersection
-- (A fragment of protected.) The events of a row of table 3 inside a row of table 6, where they
-- rest on fewer than $k machines, with the inner cells they hold. An intersection's machines are the
-- union of its inner cells' machines: at least the most of one cell's and at most their sum. So only
-- intersections whose cells are each under k can be under k, and only those whose sum reaches k are
-- counted machine by machine; the cells are listed for those found, not for every intersection. A row
-- belongs to one day, so its id alone groups. An intersection of one inner cell is that cell, already a
-- figure: left out.
SELECT * FROM (
  WITH candidates AS (
    SELECT _r3 AS _a, _r6 AS _b, sum(_machines) AS _most
    FROM family_cells GROUP BY _r3, _r6
    HAVING count(*) > 1 AND max(_machines) < $k),
  found AS (
    SELECT _a, _b FROM candidates WHERE _most < $k
    UNION ALL
    SELECT p._r3, p._r6
    FROM family_small_pairs p JOIN candidates c ON p._r3 = c._a AND p._r6 = c._b AND c._most >= $k
    GROUP BY p._r3, p._r6 HAVING count(DISTINCT p.machine_id) < $k)
  SELECT any_value(c._day) AS _day, 'intersection' AS kind, [f._a, f._b] AS figure_rows,
         list(c._idx ORDER BY c._idx) AS cells
  FROM found f JOIN family_cells c ON c._r3 = f._a AND c._r6 = f._b
  GROUP BY f._a, f._b)
  UNION ALL -- family.sql: protected_intersection
-- (A fragment of protected.) The events of a row of table 3 inside a row of table 7, where they
-- rest on fewer than $k machines, with the inner cells they hold. An intersection's machines are the
-- union of its inner cells' machines: at least the most of one cell's and at most their sum. So only
-- intersections whose cells are each under k can be under k, and only those whose sum reaches k are
-- counted machine by machine; the cells are listed for those found, not for every intersection. A row
-- belongs to one day, so its id alone groups. An intersection of one inner cell is that cell, already a
-- figure: left out.
SELECT * FROM (
  WITH candidates AS (
    SELECT _r3 AS _a, _r7 AS _b, sum(_machines) AS _most
    FROM family_cells GROUP BY _r3, _r7
    HAVING count(*) > 1 AND max(_machines) < $k),
  found AS (
    SELECT _a, _b FROM candidates WHERE _most < $k
    UNION ALL
    SELECT p._r3, p._r7
    FROM family_small_pairs p JOIN candidates c ON p._r3 = c._a AND p._r7 = c._b AND c._most >= $k
    GROUP BY p._r3, p._r7 HAVING count(DISTINCT p.machine_id) < $k)
  SELECT any_value(c._day) AS _day, 'intersection' AS kind, [f._a, f._b] AS figure_rows,
         list(c._idx ORDER BY c._idx) AS cells
  FROM found f JOIN family_cells c ON c._r3 = f._a AND c._r7 = f._b
  GROUP BY f._a, f._b)
  UNION ALL -- family.sql: protected_intersection
-- (A fragment of protected.) The events of a row of table 4 inside a row of table 5, where they
-- rest on fewer than $k machines, with the inner cells they hold. An intersection's machines are the
-- union of its inner cells' machines: at least the most of one cell's and at most their sum. So only
-- intersections whose cells are each under k can be under k, and only those whose sum reaches k are
-- counted machine by machine; the cells are listed for those found, not for every intersection. A row
-- belongs to one day, so its id alone groups. An intersection of one inner cell is that cell, already a
-- figure: left out.
SELECT * FROM (
  WITH candidates AS (
    SELECT _r4 AS _a, _r5 AS _b, sum(_machines) AS _most
    FROM family_cells GROUP BY _r4, _r5
    HAVING count(*) > 1 AND max(_machines) < $k),
  found AS (
    SELECT _a, _b FROM candidates WHERE _most < $k
    UNION ALL
    SELECT p._r4, p._r5
    FROM family_small_pairs p JOIN candidates c ON p._r4 = c._a AND p._r5 = c._b AND c._most >= $k
    GROUP BY p._r4, p._r5 HAVING count(DISTINCT p.machine_id) < $k)
  SELECT any_value(c._day) AS _day, 'intersection' AS kind, [f._a, f._b] AS figure_rows,
         list(c._idx ORDER BY c._idx) AS cells
  FROM found f JOIN family_cells c ON c._r4 = f._a AND c._r5 = f._b
  GROUP BY f._a, f._b)
  UNION ALL -- family.sql: protected_intersection
-- (A fragment of protected.) The events of a row of table 4 inside a row of table 6, where they
-- rest on fewer than $k machines, with the inner cells they hold. An intersection's machines are the
-- union of its inner cells' machines: at least the most of one cell's and at most their sum. So only
-- intersections whose cells are each under k can be under k, and only those whose sum reaches k are
-- counted machine by machine; the cells are listed for those found, not for every intersection. A row
-- belongs to one day, so its id alone groups. An intersection of one inner cell is that cell, already a
-- figure: left out.
SELECT * FROM (
  WITH candidates AS (
    SELECT _r4 AS _a, _r6 AS _b, sum(_machines) AS _most
    FROM family_cells GROUP BY _r4, _r6
    HAVING count(*) > 1 AND max(_machines) < $k),
  found AS (
    SELECT _a, _b FROM candidates WHERE _most < $k
    UNION ALL
    SELECT p._r4, p._r6
    FROM family_small_pairs p JOIN candidates c ON p._r4 = c._a AND p._r6 = c._b AND c._most >= $k
    GROUP BY p._r4, p._r6 HAVING count(DISTINCT p.machine_id) < $k)
  SELECT any_value(c._day) AS _day, 'intersection' AS kind, [f._a, f._b] AS figure_rows,
         list(c._idx ORDER BY c._idx) AS cells
  FROM found f JOIN family_cells c ON c._r4 = f._a AND c._r6 = f._b
  GROUP BY f._a, f._b)
  UNION ALL -- family.sql: protected_intersection
-- (A fragment of protected.) The events of a row of table 4 inside a row of table 7, where they
-- rest on fewer than $k machines, with the inner cells they hold. An intersection's machines are the
-- union of its inner cells' machines: at least the most of one cell's and at most their sum. So only
-- intersections whose cells are each under k can be under k, and only those whose sum reaches k are
-- counted machine by machine; the cells are listed for those found, not for every intersection. A row
-- belongs to one day, so its id alone groups. An intersection of one inner cell is that cell, already a
-- figure: left out.
SELECT * FROM (
  WITH candidates AS (
    SELECT _r4 AS _a, _r7 AS _b, sum(_machines) AS _most
    FROM family_cells GROUP BY _r4, _r7
    HAVING count(*) > 1 AND max(_machines) < $k),
  found AS (
    SELECT _a, _b FROM candidates WHERE _most < $k
    UNION ALL
    SELECT p._r4, p._r7
    FROM family_small_pairs p JOIN candidates c ON p._r4 = c._a AND p._r7 = c._b AND c._most >= $k
    GROUP BY p._r4, p._r7 HAVING count(DISTINCT p.machine_id) < $k)
  SELECT any_value(c._day) AS _day, 'intersection' AS kind, [f._a, f._b] AS figure_rows,
         list(c._idx ORDER BY c._idx) AS cells
  FROM found f JOIN family_cells c ON c._r4 = f._a AND c._r7 = f._b
  GROUP BY f._a, f._b)
  UNION ALL -- family.sql: protected_intersection
-- (A fragment of protected.) The events of a row of table 5 inside a row of table 6, where they
-- rest on fewer than $k machines, with the inner cells they hold. An intersection's machines are the
-- union of its inner cells' machines: at least the most of one cell's and at most their sum. So only
-- intersections whose cells are each under k can be under k, and only those whose sum reaches k are
-- counted machine by machine; the cells are listed for those found, not for every intersection. A row
-- belongs to one day, so its id alone groups. An intersection of one inner cell is that cell, already a
-- figure: left out.
SELECT * FROM (
  WITH candidates AS (
    SELECT _r5 AS _a, _r6 AS _b, sum(_machines) AS _most
    FROM family_cells GROUP BY _r5, _r6
    HAVING count(*) > 1 AND max(_machines) < $k),
  found AS (
    SELECT _a, _b FROM candidates WHERE _most < $k
    UNION ALL
    SELECT p._r5, p._r6
    FROM family_small_pairs p JOIN candidates c ON p._r5 = c._a AND p._r6 = c._b AND c._most >= $k
    GROUP BY p._r5, p._r6 HAVING count(DISTINCT p.machine_id) < $k)
  SELECT any_value(c._day) AS _day, 'intersection' AS kind, [f._a, f._b] AS figure_rows,
         list(c._idx ORDER BY c._idx) AS cells
  FROM found f JOIN family_cells c ON c._r5 = f._a AND c._r6 = f._b
  GROUP BY f._a, f._b)
  UNION ALL -- family.sql: protected_intersection
-- (A fragment of protected.) The events of a row of table 5 inside a row of table 7, where they
-- rest on fewer than $k machines, with the inner cells they hold. An intersection's machines are the
-- union of its inner cells' machines: at least the most of one cell's and at most their sum. So only
-- intersections whose cells are each under k can be under k, and only those whose sum reaches k are
-- counted machine by machine; the cells are listed for those found, not for every intersection. A row
-- belongs to one day, so its id alone groups. An intersection of one inner cell is that cell, already a
-- figure: left out.
SELECT * FROM (
  WITH candidates AS (
    SELECT _r5 AS _a, _r7 AS _b, sum(_machines) AS _most
    FROM family_cells GROUP BY _r5, _r7
    HAVING count(*) > 1 AND max(_machines) < $k),
  found AS (
    SELECT _a, _b FROM candidates WHERE _most < $k
    UNION ALL
    SELECT p._r5, p._r7
    FROM family_small_pairs p JOIN candidates c ON p._r5 = c._a AND p._r7 = c._b AND c._most >= $k
    GROUP BY p._r5, p._r7 HAVING count(DISTINCT p.machine_id) < $k)
  SELECT any_value(c._day) AS _day, 'intersection' AS kind, [f._a, f._b] AS figure_rows,
         list(c._idx ORDER BY c._idx) AS cells
  FROM found f JOIN family_cells c ON c._r5 = f._a AND c._r7 = f._b
  GROUP BY f._a, f._b)
  UNION ALL -- family.sql: protected_intersection
-- (A fragment of protected.) The events of a row of table 6 inside a row of table 7, where they
-- rest on fewer than $k machines, with the inner cells they hold. An intersection's machines are the
-- union of its inner cells' machines: at least the most of one cell's and at most their sum. So only
-- intersections whose cells are each under k can be under k, and only those whose sum reaches k are
-- counted machine by machine; the cells are listed for those found, not for every intersection. A row
-- belongs to one day, so its id alone groups. An intersection of one inner cell is that cell, already a
-- figure: left out.
SELECT * FROM (
  WITH candidates AS (
    SELECT _r6 AS _a, _r7 AS _b, sum(_machines) AS _most
    FROM family_cells GROUP BY _r6, _r7
    HAVING count(*) > 1 AND max(_machines) < $k),
  found AS (
    SELECT _a, _b FROM candidates WHERE _most < $k
    UNION ALL
    SELECT p._r6, p._r7
    FROM family_small_pairs p JOIN candidates c ON p._r6 = c._a AND p._r7 = c._b AND c._most >= $k
    GROUP BY p._r6, p._r7 HAVING count(DISTINCT p.machine_id) < $k)
  SELECT any_value(c._day) AS _day, 'intersection' AS kind, [f._a, f._b] AS figure_rows,
         list(c._idx ORDER BY c._idx) AS cells
  FROM found f JOIN family_cells c ON c._r6 = f._a AND c._r7 = f._b
  GROUP BY f._a, f._b))
  ORDER BY _day;

-- [341] $day = "2026-07-01"
-- family.sql: day_vectors
SELECT _rid, id, value, published, cells FROM family_vectors WHERE _day = $day ORDER BY _rid;

-- [342] $day = "2026-07-01"
-- family.sql: day_protected
SELECT kind, figure_rows, cells FROM family_protected WHERE _day = $day;

-- [343] $day = "2026-07-15"
-- family.sql: day_vectors
SELECT _rid, id, value, published, cells FROM family_vectors WHERE _day = $day ORDER BY _rid;

-- [344] $day = "2026-07-15"
-- family.sql: day_protected
SELECT kind, figure_rows, cells FROM family_protected WHERE _day = $day;

-- [345] no parameters
-- family.sql: drop_family
DROP TABLE family_place_0; DROP TABLE family_place_1; DROP TABLE family_place_2; DROP TABLE family_place_3; DROP TABLE family_place_4; DROP TABLE family_place_5; DROP TABLE family_place_6; DROP TABLE family_base; DROP TABLE family_combinations; DROP TABLE family_small_pairs; DROP TABLE family_cells; DROP TABLE family_vectors; DROP TABLE family_protected;

-- [346] no parameters
-- family.sql: drop_family
DROP TABLE family_rows;

-- [347] no parameters
-- linked.sql: secondary_keys
-- The row keys of one dataset to suppress against differencing, appended after this statement.
CREATE OR REPLACE TEMP TABLE linked_secondary (row_key VARCHAR);

-- [348] no parameters
-- linked.sql: suppress_secondary
UPDATE "ds_cli_usage_rows" SET _published = false, _secondary = true
WHERE json_array("Timestamp", "Command", "Geography", "OSFamily", "RuntimeID", "OSVersion", "SDKVersion")::VARCHAR IN (SELECT row_key FROM linked_secondary);
DROP TABLE linked_secondary;

-- [349] no parameters
-- linked.sql: secondary_keys
-- The row keys of one dataset to suppress against differencing, appended after this statement.
CREATE OR REPLACE TEMP TABLE linked_secondary (row_key VARCHAR);

-- [350] no parameters
-- linked.sql: suppress_secondary
UPDATE "ds_cli_usage_commands_rows" SET _published = false, _secondary = true
WHERE json_array("Timestamp", "Command", "OSFamily")::VARCHAR IN (SELECT row_key FROM linked_secondary);
DROP TABLE linked_secondary;

-- [351] no parameters
-- linked.sql: secondary_keys
-- The row keys of one dataset to suppress against differencing, appended after this statement.
CREATE OR REPLACE TEMP TABLE linked_secondary (row_key VARCHAR);

-- [352] no parameters
-- linked.sql: suppress_secondary
UPDATE "ds_cli_usage_geography_rows" SET _published = false, _secondary = true
WHERE json_array("Timestamp", "Command", "Geography")::VARCHAR IN (SELECT row_key FROM linked_secondary);
DROP TABLE linked_secondary;

-- [353] no parameters
-- linked.sql: secondary_keys
-- The row keys of one dataset to suppress against differencing, appended after this statement.
CREATE OR REPLACE TEMP TABLE linked_secondary (row_key VARCHAR);

-- [354] no parameters
-- linked.sql: suppress_secondary
UPDATE "ds_cli_usage_geography_os_rows" SET _published = false, _secondary = true
WHERE json_array("Timestamp", "OSFamily", "Geography")::VARCHAR IN (SELECT row_key FROM linked_secondary);
DROP TABLE linked_secondary;

-- [355] no parameters
-- linked.sql: secondary_keys
-- The row keys of one dataset to suppress against differencing, appended after this statement.
CREATE OR REPLACE TEMP TABLE linked_secondary (row_key VARCHAR);

-- [356] no parameters
-- linked.sql: suppress_secondary
UPDATE "ds_cli_usage_os_rows" SET _published = false, _secondary = true
WHERE json_array("Timestamp", "OSFamily", "OSVersion")::VARCHAR IN (SELECT row_key FROM linked_secondary);
DROP TABLE linked_secondary;

-- [357] no parameters
-- linked.sql: secondary_keys
-- The row keys of one dataset to suppress against differencing, appended after this statement.
CREATE OR REPLACE TEMP TABLE linked_secondary (row_key VARCHAR);

-- [358] no parameters
-- linked.sql: suppress_secondary
UPDATE "ds_cli_usage_sdk_rows" SET _published = false, _secondary = true
WHERE json_array("Timestamp", "OSFamily", "SDKVersion")::VARCHAR IN (SELECT row_key FROM linked_secondary);
DROP TABLE linked_secondary;

-- [359] $path = "<work>/build/out/cli-usage-2026-q3.tsv"
-- tsv.sql: copy_tsv
-- The rows sorted so that a rerun over the same archive writes the same bytes. COPY's options are
-- literals: DuckDB takes no parameters there.
COPY (SELECT * FROM (-- tsv.sql: published_rows
-- A dataset's published rows, columns in the dataset's order, the measure named as published.
SELECT "Timestamp", _value AS "Occurrences", "Command", "Geography", "OSFamily", "RuntimeID", "OSVersion", "SDKVersion" FROM "ds_cli_usage_rows" WHERE _published) ORDER BY "Timestamp" ASC, "Command" ASC, "Geography" ASC, "OSFamily" ASC, "RuntimeID" ASC, "OSVersion" ASC, "SDKVersion" ASC) TO $path
  (FORMAT csv, DELIMITER E'\t', HEADER true, QUOTE '', ESCAPE '', NULLSTR '');

-- [360] no parameters
-- tsv.sql: count_published
SELECT count(*)::BIGINT AS n FROM "ds_cli_usage_rows" WHERE _published;

-- [361] $path = "<work>/build/out/cli-usage-2026-q3.tsv"
-- check.sql: load_file
-- The file as published: every column text, nothing inferred. The column list is part of the read's
-- options, which take no parameters.
CREATE OR REPLACE TEMP TABLE check_file AS
  SELECT * FROM read_csv($path, delim = E'\t', header = true, quote = '', escape = '',
                         auto_detect = false, columns = {'Timestamp': 'VARCHAR', 'Occurrences': 'VARCHAR', 'Command': 'VARCHAR', 'Geography': 'VARCHAR', 'OSFamily': 'VARCHAR', 'RuntimeID': 'VARCHAR', 'OSVersion': 'VARCHAR', 'SDKVersion': 'VARCHAR'});

-- [362] $k = 10, $limit = 20, $cap = 500
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

-- [363] $limit = 20
-- check.sql: duplicate_keys
SELECT "Timestamp", "Command", "Geography", "OSFamily", "RuntimeID", "OSVersion", "SDKVersion", count(*) AS copies FROM check_file GROUP BY ALL HAVING count(*) > 1 LIMIT $limit;

-- [364] no parameters
-- check.sql: partition_totals
-- Every fact ended in exactly one row: nothing counted twice, nothing lost.
SELECT (SELECT sum(_events) FROM "ds_cli_usage_facts")::BIGINT AS facts, (SELECT sum(_events) FROM "ds_cli_usage_assigned_packed")::BIGINT AS assigned;

-- [365] $limit = 20
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

-- [366] no parameters
-- check.sql: drop_file
DROP TABLE check_file;

-- [367] $path = "<work>/build/out/cli-usage-2026-q3.parquet"
-- formats.sql: copy_parquet
-- One fixed schema per dataset (CAST("Timestamp" AS DATE) AS "Timestamp", CAST("Occurrences" AS BIGINT) AS "Occurrences", CAST("Command" AS VARCHAR) AS "Command", CAST("Geography" AS VARCHAR) AS "Geography", CAST("OSFamily" AS VARCHAR) AS "OSFamily", CAST("RuntimeID" AS VARCHAR) AS "RuntimeID", CAST("OSVersion" AS VARCHAR) AS "OSVersion", CAST("SDKVersion" AS VARCHAR) AS "SDKVersion": every column cast to its declared type), zstd, fixed row
-- groups; sorted like the TSV so that a rerun writes the same bytes.
COPY (SELECT CAST("Timestamp" AS DATE) AS "Timestamp", CAST("Occurrences" AS BIGINT) AS "Occurrences", CAST("Command" AS VARCHAR) AS "Command", CAST("Geography" AS VARCHAR) AS "Geography", CAST("OSFamily" AS VARCHAR) AS "OSFamily", CAST("RuntimeID" AS VARCHAR) AS "RuntimeID", CAST("OSVersion" AS VARCHAR) AS "OSVersion", CAST("SDKVersion" AS VARCHAR) AS "SDKVersion" FROM (-- tsv.sql: published_rows
-- A dataset's published rows, columns in the dataset's order, the measure named as published.
SELECT "Timestamp", _value AS "Occurrences", "Command", "Geography", "OSFamily", "RuntimeID", "OSVersion", "SDKVersion" FROM "ds_cli_usage_rows" WHERE _published) ORDER BY "Timestamp" ASC, "Command" ASC, "Geography" ASC, "OSFamily" ASC, "RuntimeID" ASC, "OSVersion" ASC, "SDKVersion" ASC) TO $path
  (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880);

-- [368] $path = "<work>/build/out/cli-usage-2026-q3.tsv"
-- formats.sql: load_tsv_typed
-- The canonical TSV read back with the same types as the copies.
CREATE OR REPLACE TEMP TABLE copy_check_tsv AS
  SELECT * FROM read_csv($path, delim = E'\t', header = true, quote = '', escape = '',
                         auto_detect = false, columns = {'Timestamp': 'DATE', 'Occurrences': 'BIGINT', 'Command': 'VARCHAR', 'Geography': 'VARCHAR', 'OSFamily': 'VARCHAR', 'RuntimeID': 'VARCHAR', 'OSVersion': 'VARCHAR', 'SDKVersion': 'VARCHAR'});

-- [369] $path = "<work>/build/out/cli-usage-2026-q3.parquet"
-- formats.sql: load_parquet
CREATE OR REPLACE TEMP TABLE copy_check_copy AS SELECT * FROM read_parquet($path);

-- [370] no parameters
-- formats.sql: parquet_schema
SELECT column_name, column_type FROM (DESCRIBE copy_check_copy);

-- [371] no parameters
-- formats.sql: compare_copy
-- Same count, and no row of either side missing from the other (duplicates counted).
SELECT
  (SELECT count(*) FROM copy_check_tsv)::BIGINT AS tsv_rows,
  (SELECT count(*) FROM copy_check_copy)::BIGINT AS copy_rows,
  (SELECT count(*) FROM (SELECT * FROM copy_check_tsv EXCEPT ALL SELECT * FROM copy_check_copy))::BIGINT AS only_tsv,
  (SELECT count(*) FROM (SELECT * FROM copy_check_copy EXCEPT ALL SELECT * FROM copy_check_tsv))::BIGINT AS only_copy;

-- [372] no parameters
-- formats.sql: drop_check
DROP TABLE IF EXISTS copy_check_tsv; DROP TABLE IF EXISTS copy_check_copy;

-- [373] $counts_events = true, $cap = 500, $stage_detail = 0, $stage_generalised = 1, $stage_remainder = 2
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

-- [374] $path = "<work>/build/companions/cli-usage-commands-2026-q3.tsv"
-- tsv.sql: copy_tsv
-- The rows sorted so that a rerun over the same archive writes the same bytes. COPY's options are
-- literals: DuckDB takes no parameters there.
COPY (SELECT * FROM (-- tsv.sql: published_rows
-- A dataset's published rows, columns in the dataset's order, the measure named as published.
SELECT "Timestamp", _value AS "Occurrences", "Command", "OSFamily" FROM "ds_cli_usage_commands_rows" WHERE _published) ORDER BY "Timestamp" ASC, "Command" ASC, "OSFamily" ASC) TO $path
  (FORMAT csv, DELIMITER E'\t', HEADER true, QUOTE '', ESCAPE '', NULLSTR '');

-- [375] no parameters
-- tsv.sql: count_published
SELECT count(*)::BIGINT AS n FROM "ds_cli_usage_commands_rows" WHERE _published;

-- [376] $path = "<work>/build/companions/cli-usage-commands-2026-q3.tsv"
-- check.sql: load_file
-- The file as published: every column text, nothing inferred. The column list is part of the read's
-- options, which take no parameters.
CREATE OR REPLACE TEMP TABLE check_file AS
  SELECT * FROM read_csv($path, delim = E'\t', header = true, quote = '', escape = '',
                         auto_detect = false, columns = {'Timestamp': 'VARCHAR', 'Occurrences': 'VARCHAR', 'Command': 'VARCHAR', 'OSFamily': 'VARCHAR'});

-- [377] $k = 10, $limit = 20, $cap = 500
-- check.sql: rows_against_record
-- Every file row must exist in the record, rest on k machines and carry the value the record gives.
-- Counted on the packed key first (integers), then spelled out: a key spelled twice would give a file
-- row two recounts, and any of them wrong or under k is reported.
SELECT f.*, r._machines, r._value AS _recomputed FROM check_file f
LEFT JOIN (
  SELECT k."Timestamp", k."Command", k."OSFamily", a._machines, a._value
  FROM (SELECT _key, count(DISTINCT machine_id) AS _machines, sum(least(_events, $cap::BIGINT)) AS _value FROM "ds_cli_usage_commands_assigned_packed" GROUP BY _key) a
  JOIN "ds_cli_usage_commands_rows" k USING (_key)) r USING ("Timestamp", "Command", "OSFamily")
WHERE r._machines IS NULL OR r._machines < $k OR r._value::VARCHAR <> f."Occurrences"
LIMIT $limit;

-- [378] $limit = 20
-- check.sql: duplicate_keys
SELECT "Timestamp", "Command", "OSFamily", count(*) AS copies FROM check_file GROUP BY ALL HAVING count(*) > 1 LIMIT $limit;

-- [379] no parameters
-- check.sql: partition_totals
-- Every fact ended in exactly one row: nothing counted twice, nothing lost.
SELECT (SELECT sum(_events) FROM "ds_cli_usage_commands_facts")::BIGINT AS facts, (SELECT sum(_events) FROM "ds_cli_usage_commands_assigned_packed")::BIGINT AS assigned;

-- [380] $limit = 20
-- check.sql: identifier_leaks
-- The published cells are few: each is looked up among the identifiers, not the other way round.
-- Machines are held by the hash of their id: a cell whose hash is a machine's is that id. A value some
-- client also sent in a published field (an SDK version 8.0.100 that is also someone's /24) has a
-- legitimate source: equal by coincidence, not a leak.
WITH cells AS (SELECT DISTINCT unnest(["Command", "OSFamily"]) AS cell FROM check_file),
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

-- [381] no parameters
-- check.sql: drop_file
DROP TABLE check_file;

-- [382] $path = "<work>/build/companions/cli-usage-commands-2026-q3.parquet"
-- formats.sql: copy_parquet
-- One fixed schema per dataset (CAST("Timestamp" AS DATE) AS "Timestamp", CAST("Occurrences" AS BIGINT) AS "Occurrences", CAST("Command" AS VARCHAR) AS "Command", CAST("OSFamily" AS VARCHAR) AS "OSFamily": every column cast to its declared type), zstd, fixed row
-- groups; sorted like the TSV so that a rerun writes the same bytes.
COPY (SELECT CAST("Timestamp" AS DATE) AS "Timestamp", CAST("Occurrences" AS BIGINT) AS "Occurrences", CAST("Command" AS VARCHAR) AS "Command", CAST("OSFamily" AS VARCHAR) AS "OSFamily" FROM (-- tsv.sql: published_rows
-- A dataset's published rows, columns in the dataset's order, the measure named as published.
SELECT "Timestamp", _value AS "Occurrences", "Command", "OSFamily" FROM "ds_cli_usage_commands_rows" WHERE _published) ORDER BY "Timestamp" ASC, "Command" ASC, "OSFamily" ASC) TO $path
  (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880);

-- [383] $path = "<work>/build/companions/cli-usage-commands-2026-q3.tsv"
-- formats.sql: load_tsv_typed
-- The canonical TSV read back with the same types as the copies.
CREATE OR REPLACE TEMP TABLE copy_check_tsv AS
  SELECT * FROM read_csv($path, delim = E'\t', header = true, quote = '', escape = '',
                         auto_detect = false, columns = {'Timestamp': 'DATE', 'Occurrences': 'BIGINT', 'Command': 'VARCHAR', 'OSFamily': 'VARCHAR'});

-- [384] $path = "<work>/build/companions/cli-usage-commands-2026-q3.parquet"
-- formats.sql: load_parquet
CREATE OR REPLACE TEMP TABLE copy_check_copy AS SELECT * FROM read_parquet($path);

-- [385] no parameters
-- formats.sql: parquet_schema
SELECT column_name, column_type FROM (DESCRIBE copy_check_copy);

-- [386] no parameters
-- formats.sql: compare_copy
-- Same count, and no row of either side missing from the other (duplicates counted).
SELECT
  (SELECT count(*) FROM copy_check_tsv)::BIGINT AS tsv_rows,
  (SELECT count(*) FROM copy_check_copy)::BIGINT AS copy_rows,
  (SELECT count(*) FROM (SELECT * FROM copy_check_tsv EXCEPT ALL SELECT * FROM copy_check_copy))::BIGINT AS only_tsv,
  (SELECT count(*) FROM (SELECT * FROM copy_check_copy EXCEPT ALL SELECT * FROM copy_check_tsv))::BIGINT AS only_copy;

-- [387] no parameters
-- formats.sql: drop_check
DROP TABLE IF EXISTS copy_check_tsv; DROP TABLE IF EXISTS copy_check_copy;

-- [388] $counts_events = true, $cap = 500, $stage_detail = 0, $stage_generalised = 1, $stage_remainder = 2
-- protect.sql: protection_stats
SELECT
  (SELECT sum(_events) FROM "ds_cli_usage_commands_facts")::BIGINT AS events,
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
  (SELECT count(DISTINCT machine_id) FROM "ds_cli_usage_commands_assigned_packed" WHERE _key IN (SELECT _key FROM "ds_cli_usage_commands_rows" WHERE NOT _published))::BIGINT AS suppressed_machines,
  (SELECT count(DISTINCT machine_id) FROM "ds_cli_usage_commands_assigned_packed" WHERE _events > $cap)::BIGINT AS capped_machines,
  (SELECT max(removed) FROM (SELECT sum(_events - least(_events, $cap::BIGINT)) AS removed FROM "ds_cli_usage_commands_assigned_packed" GROUP BY machine_id))::BIGINT AS largest_removed
FROM "ds_cli_usage_commands_rows";

-- [389] $path = "<work>/build/companions/cli-usage-geography-2026-q3.tsv"
-- tsv.sql: copy_tsv
-- The rows sorted so that a rerun over the same archive writes the same bytes. COPY's options are
-- literals: DuckDB takes no parameters there.
COPY (SELECT * FROM (-- tsv.sql: published_rows
-- A dataset's published rows, columns in the dataset's order, the measure named as published.
SELECT "Timestamp", _value AS "Occurrences", "Command", "Geography" FROM "ds_cli_usage_geography_rows" WHERE _published) ORDER BY "Timestamp" ASC, "Command" ASC, "Geography" ASC) TO $path
  (FORMAT csv, DELIMITER E'\t', HEADER true, QUOTE '', ESCAPE '', NULLSTR '');

-- [390] no parameters
-- tsv.sql: count_published
SELECT count(*)::BIGINT AS n FROM "ds_cli_usage_geography_rows" WHERE _published;

-- [391] $path = "<work>/build/companions/cli-usage-geography-2026-q3.tsv"
-- check.sql: load_file
-- The file as published: every column text, nothing inferred. The column list is part of the read's
-- options, which take no parameters.
CREATE OR REPLACE TEMP TABLE check_file AS
  SELECT * FROM read_csv($path, delim = E'\t', header = true, quote = '', escape = '',
                         auto_detect = false, columns = {'Timestamp': 'VARCHAR', 'Occurrences': 'VARCHAR', 'Command': 'VARCHAR', 'Geography': 'VARCHAR'});

-- [392] $k = 10, $limit = 20, $cap = 500
-- check.sql: rows_against_record
-- Every file row must exist in the record, rest on k machines and carry the value the record gives.
-- Counted on the packed key first (integers), then spelled out: a key spelled twice would give a file
-- row two recounts, and any of them wrong or under k is reported.
SELECT f.*, r._machines, r._value AS _recomputed FROM check_file f
LEFT JOIN (
  SELECT k."Timestamp", k."Command", k."Geography", a._machines, a._value
  FROM (SELECT _key, count(DISTINCT machine_id) AS _machines, sum(least(_events, $cap::BIGINT)) AS _value FROM "ds_cli_usage_geography_assigned_packed" GROUP BY _key) a
  JOIN "ds_cli_usage_geography_rows" k USING (_key)) r USING ("Timestamp", "Command", "Geography")
WHERE r._machines IS NULL OR r._machines < $k OR r._value::VARCHAR <> f."Occurrences"
LIMIT $limit;

-- [393] $limit = 20
-- check.sql: duplicate_keys
SELECT "Timestamp", "Command", "Geography", count(*) AS copies FROM check_file GROUP BY ALL HAVING count(*) > 1 LIMIT $limit;

-- [394] no parameters
-- check.sql: partition_totals
-- Every fact ended in exactly one row: nothing counted twice, nothing lost.
SELECT (SELECT sum(_events) FROM "ds_cli_usage_geography_facts")::BIGINT AS facts, (SELECT sum(_events) FROM "ds_cli_usage_geography_assigned_packed")::BIGINT AS assigned;

-- [395] $limit = 20
-- check.sql: identifier_leaks
-- The published cells are few: each is looked up among the identifiers, not the other way round.
-- Machines are held by the hash of their id: a cell whose hash is a machine's is that id. A value some
-- client also sent in a published field (an SDK version 8.0.100 that is also someone's /24) has a
-- legitimate source: equal by coincidence, not a leak.
WITH cells AS (SELECT DISTINCT unnest(["Command", "Geography"]) AS cell FROM check_file),
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

-- [396] no parameters
-- check.sql: drop_file
DROP TABLE check_file;

-- [397] $path = "<work>/build/companions/cli-usage-geography-2026-q3.parquet"
-- formats.sql: copy_parquet
-- One fixed schema per dataset (CAST("Timestamp" AS DATE) AS "Timestamp", CAST("Occurrences" AS BIGINT) AS "Occurrences", CAST("Command" AS VARCHAR) AS "Command", CAST("Geography" AS VARCHAR) AS "Geography": every column cast to its declared type), zstd, fixed row
-- groups; sorted like the TSV so that a rerun writes the same bytes.
COPY (SELECT CAST("Timestamp" AS DATE) AS "Timestamp", CAST("Occurrences" AS BIGINT) AS "Occurrences", CAST("Command" AS VARCHAR) AS "Command", CAST("Geography" AS VARCHAR) AS "Geography" FROM (-- tsv.sql: published_rows
-- A dataset's published rows, columns in the dataset's order, the measure named as published.
SELECT "Timestamp", _value AS "Occurrences", "Command", "Geography" FROM "ds_cli_usage_geography_rows" WHERE _published) ORDER BY "Timestamp" ASC, "Command" ASC, "Geography" ASC) TO $path
  (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880);

-- [398] $path = "<work>/build/companions/cli-usage-geography-2026-q3.tsv"
-- formats.sql: load_tsv_typed
-- The canonical TSV read back with the same types as the copies.
CREATE OR REPLACE TEMP TABLE copy_check_tsv AS
  SELECT * FROM read_csv($path, delim = E'\t', header = true, quote = '', escape = '',
                         auto_detect = false, columns = {'Timestamp': 'DATE', 'Occurrences': 'BIGINT', 'Command': 'VARCHAR', 'Geography': 'VARCHAR'});

-- [399] $path = "<work>/build/companions/cli-usage-geography-2026-q3.parquet"
-- formats.sql: load_parquet
CREATE OR REPLACE TEMP TABLE copy_check_copy AS SELECT * FROM read_parquet($path);

-- [400] no parameters
-- formats.sql: parquet_schema
SELECT column_name, column_type FROM (DESCRIBE copy_check_copy);

-- [401] no parameters
-- formats.sql: compare_copy
-- Same count, and no row of either side missing from the other (duplicates counted).
SELECT
  (SELECT count(*) FROM copy_check_tsv)::BIGINT AS tsv_rows,
  (SELECT count(*) FROM copy_check_copy)::BIGINT AS copy_rows,
  (SELECT count(*) FROM (SELECT * FROM copy_check_tsv EXCEPT ALL SELECT * FROM copy_check_copy))::BIGINT AS only_tsv,
  (SELECT count(*) FROM (SELECT * FROM copy_check_copy EXCEPT ALL SELECT * FROM copy_check_tsv))::BIGINT AS only_copy;

-- [402] no parameters
-- formats.sql: drop_check
DROP TABLE IF EXISTS copy_check_tsv; DROP TABLE IF EXISTS copy_check_copy;

-- [403] $counts_events = true, $cap = 500, $stage_detail = 0, $stage_generalised = 1, $stage_remainder = 2
-- protect.sql: protection_stats
SELECT
  (SELECT sum(_events) FROM "ds_cli_usage_geography_facts")::BIGINT AS events,
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
  (SELECT count(DISTINCT machine_id) FROM "ds_cli_usage_geography_assigned_packed" WHERE _key IN (SELECT _key FROM "ds_cli_usage_geography_rows" WHERE NOT _published))::BIGINT AS suppressed_machines,
  (SELECT count(DISTINCT machine_id) FROM "ds_cli_usage_geography_assigned_packed" WHERE _events > $cap)::BIGINT AS capped_machines,
  (SELECT max(removed) FROM (SELECT sum(_events - least(_events, $cap::BIGINT)) AS removed FROM "ds_cli_usage_geography_assigned_packed" GROUP BY machine_id))::BIGINT AS largest_removed
FROM "ds_cli_usage_geography_rows";

-- [404] $path = "<work>/build/companions/cli-usage-geography-os-2026-q3.tsv"
-- tsv.sql: copy_tsv
-- The rows sorted so that a rerun over the same archive writes the same bytes. COPY's options are
-- literals: DuckDB takes no parameters there.
COPY (SELECT * FROM (-- tsv.sql: published_rows
-- A dataset's published rows, columns in the dataset's order, the measure named as published.
SELECT "Timestamp", _value AS "Occurrences", "Geography", "OSFamily" FROM "ds_cli_usage_geography_os_rows" WHERE _published) ORDER BY "Timestamp" ASC, "OSFamily" ASC, "Geography" ASC) TO $path
  (FORMAT csv, DELIMITER E'\t', HEADER true, QUOTE '', ESCAPE '', NULLSTR '');

-- [405] no parameters
-- tsv.sql: count_published
SELECT count(*)::BIGINT AS n FROM "ds_cli_usage_geography_os_rows" WHERE _published;

-- [406] $path = "<work>/build/companions/cli-usage-geography-os-2026-q3.tsv"
-- check.sql: load_file
-- The file as published: every column text, nothing inferred. The column list is part of the read's
-- options, which take no parameters.
CREATE OR REPLACE TEMP TABLE check_file AS
  SELECT * FROM read_csv($path, delim = E'\t', header = true, quote = '', escape = '',
                         auto_detect = false, columns = {'Timestamp': 'VARCHAR', 'Occurrences': 'VARCHAR', 'Geography': 'VARCHAR', 'OSFamily': 'VARCHAR'});

-- [407] $k = 10, $limit = 20, $cap = 500
-- check.sql: rows_against_record
-- Every file row must exist in the record, rest on k machines and carry the value the record gives.
-- Counted on the packed key first (integers), then spelled out: a key spelled twice would give a file
-- row two recounts, and any of them wrong or under k is reported.
SELECT f.*, r._machines, r._value AS _recomputed FROM check_file f
LEFT JOIN (
  SELECT k."Timestamp", k."OSFamily", k."Geography", a._machines, a._value
  FROM (SELECT _key, count(DISTINCT machine_id) AS _machines, sum(least(_events, $cap::BIGINT)) AS _value FROM "ds_cli_usage_geography_os_assigned_packed" GROUP BY _key) a
  JOIN "ds_cli_usage_geography_os_rows" k USING (_key)) r USING ("Timestamp", "OSFamily", "Geography")
WHERE r._machines IS NULL OR r._machines < $k OR r._value::VARCHAR <> f."Occurrences"
LIMIT $limit;

-- [408] $limit = 20
-- check.sql: duplicate_keys
SELECT "Timestamp", "OSFamily", "Geography", count(*) AS copies FROM check_file GROUP BY ALL HAVING count(*) > 1 LIMIT $limit;

-- [409] no parameters
-- check.sql: partition_totals
-- Every fact ended in exactly one row: nothing counted twice, nothing lost.
SELECT (SELECT sum(_events) FROM "ds_cli_usage_geography_os_facts")::BIGINT AS facts, (SELECT sum(_events) FROM "ds_cli_usage_geography_os_assigned_packed")::BIGINT AS assigned;

-- [410] $limit = 20
-- check.sql: identifier_leaks
-- The published cells are few: each is looked up among the identifiers, not the other way round.
-- Machines are held by the hash of their id: a cell whose hash is a machine's is that id. A value some
-- client also sent in a published field (an SDK version 8.0.100 that is also someone's /24) has a
-- legitimate source: equal by coincidence, not a leak.
WITH cells AS (SELECT DISTINCT unnest(["Geography", "OSFamily"]) AS cell FROM check_file),
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

-- [411] no parameters
-- check.sql: drop_file
DROP TABLE check_file;

-- [412] $path = "<work>/build/companions/cli-usage-geography-os-2026-q3.parquet"
-- formats.sql: copy_parquet
-- One fixed schema per dataset (CAST("Timestamp" AS DATE) AS "Timestamp", CAST("Occurrences" AS BIGINT) AS "Occurrences", CAST("Geography" AS VARCHAR) AS "Geography", CAST("OSFamily" AS VARCHAR) AS "OSFamily": every column cast to its declared type), zstd, fixed row
-- groups; sorted like the TSV so that a rerun writes the same bytes.
COPY (SELECT CAST("Timestamp" AS DATE) AS "Timestamp", CAST("Occurrences" AS BIGINT) AS "Occurrences", CAST("Geography" AS VARCHAR) AS "Geography", CAST("OSFamily" AS VARCHAR) AS "OSFamily" FROM (-- tsv.sql: published_rows
-- A dataset's published rows, columns in the dataset's order, the measure named as published.
SELECT "Timestamp", _value AS "Occurrences", "Geography", "OSFamily" FROM "ds_cli_usage_geography_os_rows" WHERE _published) ORDER BY "Timestamp" ASC, "OSFamily" ASC, "Geography" ASC) TO $path
  (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880);

-- [413] $path = "<work>/build/companions/cli-usage-geography-os-2026-q3.tsv"
-- formats.sql: load_tsv_typed
-- The canonical TSV read back with the same types as the copies.
CREATE OR REPLACE TEMP TABLE copy_check_tsv AS
  SELECT * FROM read_csv($path, delim = E'\t', header = true, quote = '', escape = '',
                         auto_detect = false, columns = {'Timestamp': 'DATE', 'Occurrences': 'BIGINT', 'Geography': 'VARCHAR', 'OSFamily': 'VARCHAR'});

-- [414] $path = "<work>/build/companions/cli-usage-geography-os-2026-q3.parquet"
-- formats.sql: load_parquet
CREATE OR REPLACE TEMP TABLE copy_check_copy AS SELECT * FROM read_parquet($path);

-- [415] no parameters
-- formats.sql: parquet_schema
SELECT column_name, column_type FROM (DESCRIBE copy_check_copy);

-- [416] no parameters
-- formats.sql: compare_copy
-- Same count, and no row of either side missing from the other (duplicates counted).
SELECT
  (SELECT count(*) FROM copy_check_tsv)::BIGINT AS tsv_rows,
  (SELECT count(*) FROM copy_check_copy)::BIGINT AS copy_rows,
  (SELECT count(*) FROM (SELECT * FROM copy_check_tsv EXCEPT ALL SELECT * FROM copy_check_copy))::BIGINT AS only_tsv,
  (SELECT count(*) FROM (SELECT * FROM copy_check_copy EXCEPT ALL SELECT * FROM copy_check_tsv))::BIGINT AS only_copy;

-- [417] no parameters
-- formats.sql: drop_check
DROP TABLE IF EXISTS copy_check_tsv; DROP TABLE IF EXISTS copy_check_copy;

-- [418] $counts_events = true, $cap = 500, $stage_detail = 0, $stage_generalised = 1, $stage_remainder = 2
-- protect.sql: protection_stats
SELECT
  (SELECT sum(_events) FROM "ds_cli_usage_geography_os_facts")::BIGINT AS events,
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
  (SELECT count(DISTINCT machine_id) FROM "ds_cli_usage_geography_os_assigned_packed" WHERE _key IN (SELECT _key FROM "ds_cli_usage_geography_os_rows" WHERE NOT _published))::BIGINT AS suppressed_machines,
  (SELECT count(DISTINCT machine_id) FROM "ds_cli_usage_geography_os_assigned_packed" WHERE _events > $cap)::BIGINT AS capped_machines,
  (SELECT max(removed) FROM (SELECT sum(_events - least(_events, $cap::BIGINT)) AS removed FROM "ds_cli_usage_geography_os_assigned_packed" GROUP BY machine_id))::BIGINT AS largest_removed
FROM "ds_cli_usage_geography_os_rows";

-- [419] $path = "<work>/build/companions/cli-usage-os-2026-q3.tsv"
-- tsv.sql: copy_tsv
-- The rows sorted so that a rerun over the same archive writes the same bytes. COPY's options are
-- literals: DuckDB takes no parameters there.
COPY (SELECT * FROM (-- tsv.sql: published_rows
-- A dataset's published rows, columns in the dataset's order, the measure named as published.
SELECT "Timestamp", _value AS "Occurrences", "OSFamily", "OSVersion" FROM "ds_cli_usage_os_rows" WHERE _published) ORDER BY "Timestamp" ASC, "OSFamily" ASC, "OSVersion" ASC) TO $path
  (FORMAT csv, DELIMITER E'\t', HEADER true, QUOTE '', ESCAPE '', NULLSTR '');

-- [420] no parameters
-- tsv.sql: count_published
SELECT count(*)::BIGINT AS n FROM "ds_cli_usage_os_rows" WHERE _published;

-- [421] $path = "<work>/build/companions/cli-usage-os-2026-q3.tsv"
-- check.sql: load_file
-- The file as published: every column text, nothing inferred. The column list is part of the read's
-- options, which take no parameters.
CREATE OR REPLACE TEMP TABLE check_file AS
  SELECT * FROM read_csv($path, delim = E'\t', header = true, quote = '', escape = '',
                         auto_detect = false, columns = {'Timestamp': 'VARCHAR', 'Occurrences': 'VARCHAR', 'OSFamily': 'VARCHAR', 'OSVersion': 'VARCHAR'});

-- [422] $k = 10, $limit = 20, $cap = 500
-- check.sql: rows_against_record
-- Every file row must exist in the record, rest on k machines and carry the value the record gives.
-- Counted on the packed key first (integers), then spelled out: a key spelled twice would give a file
-- row two recounts, and any of them wrong or under k is reported.
SELECT f.*, r._machines, r._value AS _recomputed FROM check_file f
LEFT JOIN (
  SELECT k."Timestamp", k."OSFamily", k."OSVersion", a._machines, a._value
  FROM (SELECT _key, count(DISTINCT machine_id) AS _machines, sum(least(_events, $cap::BIGINT)) AS _value FROM "ds_cli_usage_os_assigned_packed" GROUP BY _key) a
  JOIN "ds_cli_usage_os_rows" k USING (_key)) r USING ("Timestamp", "OSFamily", "OSVersion")
WHERE r._machines IS NULL OR r._machines < $k OR r._value::VARCHAR <> f."Occurrences"
LIMIT $limit;

-- [423] $limit = 20
-- check.sql: duplicate_keys
SELECT "Timestamp", "OSFamily", "OSVersion", count(*) AS copies FROM check_file GROUP BY ALL HAVING count(*) > 1 LIMIT $limit;

-- [424] no parameters
-- check.sql: partition_totals
-- Every fact ended in exactly one row: nothing counted twice, nothing lost.
SELECT (SELECT sum(_events) FROM "ds_cli_usage_os_facts")::BIGINT AS facts, (SELECT sum(_events) FROM "ds_cli_usage_os_assigned_packed")::BIGINT AS assigned;

-- [425] $limit = 20
-- check.sql: identifier_leaks
-- The published cells are few: each is looked up among the identifiers, not the other way round.
-- Machines are held by the hash of their id: a cell whose hash is a machine's is that id. A value some
-- client also sent in a published field (an SDK version 8.0.100 that is also someone's /24) has a
-- legitimate source: equal by coincidence, not a leak.
WITH cells AS (SELECT DISTINCT unnest(["OSFamily", "OSVersion"]) AS cell FROM check_file),
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

-- [426] no parameters
-- check.sql: drop_file
DROP TABLE check_file;

-- [427] $path = "<work>/build/companions/cli-usage-os-2026-q3.parquet"
-- formats.sql: copy_parquet
-- One fixed schema per dataset (CAST("Timestamp" AS DATE) AS "Timestamp", CAST("Occurrences" AS BIGINT) AS "Occurrences", CAST("OSFamily" AS VARCHAR) AS "OSFamily", CAST("OSVersion" AS VARCHAR) AS "OSVersion": every column cast to its declared type), zstd, fixed row
-- groups; sorted like the TSV so that a rerun writes the same bytes.
COPY (SELECT CAST("Timestamp" AS DATE) AS "Timestamp", CAST("Occurrences" AS BIGINT) AS "Occurrences", CAST("OSFamily" AS VARCHAR) AS "OSFamily", CAST("OSVersion" AS VARCHAR) AS "OSVersion" FROM (-- tsv.sql: published_rows
-- A dataset's published rows, columns in the dataset's order, the measure named as published.
SELECT "Timestamp", _value AS "Occurrences", "OSFamily", "OSVersion" FROM "ds_cli_usage_os_rows" WHERE _published) ORDER BY "Timestamp" ASC, "OSFamily" ASC, "OSVersion" ASC) TO $path
  (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880);

-- [428] $path = "<work>/build/companions/cli-usage-os-2026-q3.tsv"
-- formats.sql: load_tsv_typed
-- The canonical TSV read back with the same types as the copies.
CREATE OR REPLACE TEMP TABLE copy_check_tsv AS
  SELECT * FROM read_csv($path, delim = E'\t', header = true, quote = '', escape = '',
                         auto_detect = false, columns = {'Timestamp': 'DATE', 'Occurrences': 'BIGINT', 'OSFamily': 'VARCHAR', 'OSVersion': 'VARCHAR'});

-- [429] $path = "<work>/build/companions/cli-usage-os-2026-q3.parquet"
-- formats.sql: load_parquet
CREATE OR REPLACE TEMP TABLE copy_check_copy AS SELECT * FROM read_parquet($path);

-- [430] no parameters
-- formats.sql: parquet_schema
SELECT column_name, column_type FROM (DESCRIBE copy_check_copy);

-- [431] no parameters
-- formats.sql: compare_copy
-- Same count, and no row of either side missing from the other (duplicates counted).
SELECT
  (SELECT count(*) FROM copy_check_tsv)::BIGINT AS tsv_rows,
  (SELECT count(*) FROM copy_check_copy)::BIGINT AS copy_rows,
  (SELECT count(*) FROM (SELECT * FROM copy_check_tsv EXCEPT ALL SELECT * FROM copy_check_copy))::BIGINT AS only_tsv,
  (SELECT count(*) FROM (SELECT * FROM copy_check_copy EXCEPT ALL SELECT * FROM copy_check_tsv))::BIGINT AS only_copy;

-- [432] no parameters
-- formats.sql: drop_check
DROP TABLE IF EXISTS copy_check_tsv; DROP TABLE IF EXISTS copy_check_copy;

-- [433] $counts_events = true, $cap = 500, $stage_detail = 0, $stage_generalised = 1, $stage_remainder = 2
-- protect.sql: protection_stats
SELECT
  (SELECT sum(_events) FROM "ds_cli_usage_os_facts")::BIGINT AS events,
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
  (SELECT count(DISTINCT machine_id) FROM "ds_cli_usage_os_assigned_packed" WHERE _key IN (SELECT _key FROM "ds_cli_usage_os_rows" WHERE NOT _published))::BIGINT AS suppressed_machines,
  (SELECT count(DISTINCT machine_id) FROM "ds_cli_usage_os_assigned_packed" WHERE _events > $cap)::BIGINT AS capped_machines,
  (SELECT max(removed) FROM (SELECT sum(_events - least(_events, $cap::BIGINT)) AS removed FROM "ds_cli_usage_os_assigned_packed" GROUP BY machine_id))::BIGINT AS largest_removed
FROM "ds_cli_usage_os_rows";

-- [434] $path = "<work>/build/companions/cli-usage-runtime-2026-q3.tsv"
-- tsv.sql: copy_tsv
-- The rows sorted so that a rerun over the same archive writes the same bytes. COPY's options are
-- literals: DuckDB takes no parameters there.
COPY (SELECT * FROM (-- tsv.sql: published_rows
-- A dataset's published rows, columns in the dataset's order, the measure named as published.
SELECT "Timestamp", _value AS "Occurrences", "RuntimeID" FROM "ds_cli_usage_runtime_rows" WHERE _published) ORDER BY "Timestamp" ASC, "RuntimeID" ASC) TO $path
  (FORMAT csv, DELIMITER E'\t', HEADER true, QUOTE '', ESCAPE '', NULLSTR '');

-- [435] no parameters
-- tsv.sql: count_published
SELECT count(*)::BIGINT AS n FROM "ds_cli_usage_runtime_rows" WHERE _published;

-- [436] $path = "<work>/build/companions/cli-usage-runtime-2026-q3.tsv"
-- check.sql: load_file
-- The file as published: every column text, nothing inferred. The column list is part of the read's
-- options, which take no parameters.
CREATE OR REPLACE TEMP TABLE check_file AS
  SELECT * FROM read_csv($path, delim = E'\t', header = true, quote = '', escape = '',
                         auto_detect = false, columns = {'Timestamp': 'VARCHAR', 'Occurrences': 'VARCHAR', 'RuntimeID': 'VARCHAR'});

-- [437] $k = 10, $limit = 20, $cap = 500
-- check.sql: rows_against_record
-- Every file row must exist in the record, rest on k machines and carry the value the record gives.
-- Counted on the packed key first (integers), then spelled out: a key spelled twice would give a file
-- row two recounts, and any of them wrong or under k is reported.
SELECT f.*, r._machines, r._value AS _recomputed FROM check_file f
LEFT JOIN (
  SELECT k."Timestamp", k."RuntimeID", a._machines, a._value
  FROM (SELECT _key, count(DISTINCT machine_id) AS _machines, sum(least(_events, $cap::BIGINT)) AS _value FROM "ds_cli_usage_runtime_assigned_packed" GROUP BY _key) a
  JOIN "ds_cli_usage_runtime_rows" k USING (_key)) r USING ("Timestamp", "RuntimeID")
WHERE r._machines IS NULL OR r._machines < $k OR r._value::VARCHAR <> f."Occurrences"
LIMIT $limit;

-- [438] $limit = 20
-- check.sql: duplicate_keys
SELECT "Timestamp", "RuntimeID", count(*) AS copies FROM check_file GROUP BY ALL HAVING count(*) > 1 LIMIT $limit;

-- [439] no parameters
-- check.sql: partition_totals
-- Every fact ended in exactly one row: nothing counted twice, nothing lost.
SELECT (SELECT sum(_events) FROM "ds_cli_usage_runtime_facts")::BIGINT AS facts, (SELECT sum(_events) FROM "ds_cli_usage_runtime_assigned_packed")::BIGINT AS assigned;

-- [440] $limit = 20
-- check.sql: identifier_leaks
-- The published cells are few: each is looked up among the identifiers, not the other way round.
-- Machines are held by the hash of their id: a cell whose hash is a machine's is that id. A value some
-- client also sent in a published field (an SDK version 8.0.100 that is also someone's /24) has a
-- legitimate source: equal by coincidence, not a leak.
WITH cells AS (SELECT DISTINCT unnest(["RuntimeID"]) AS cell FROM check_file),
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

-- [441] no parameters
-- check.sql: drop_file
DROP TABLE check_file;

-- [442] $path = "<work>/build/companions/cli-usage-runtime-2026-q3.parquet"
-- formats.sql: copy_parquet
-- One fixed schema per dataset (CAST("Timestamp" AS DATE) AS "Timestamp", CAST("Occurrences" AS BIGINT) AS "Occurrences", CAST("RuntimeID" AS VARCHAR) AS "RuntimeID": every column cast to its declared type), zstd, fixed row
-- groups; sorted like the TSV so that a rerun writes the same bytes.
COPY (SELECT CAST("Timestamp" AS DATE) AS "Timestamp", CAST("Occurrences" AS BIGINT) AS "Occurrences", CAST("RuntimeID" AS VARCHAR) AS "RuntimeID" FROM (-- tsv.sql: published_rows
-- A dataset's published rows, columns in the dataset's order, the measure named as published.
SELECT "Timestamp", _value AS "Occurrences", "RuntimeID" FROM "ds_cli_usage_runtime_rows" WHERE _published) ORDER BY "Timestamp" ASC, "RuntimeID" ASC) TO $path
  (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880);

-- [443] $path = "<work>/build/companions/cli-usage-runtime-2026-q3.tsv"
-- formats.sql: load_tsv_typed
-- The canonical TSV read back with the same types as the copies.
CREATE OR REPLACE TEMP TABLE copy_check_tsv AS
  SELECT * FROM read_csv($path, delim = E'\t', header = true, quote = '', escape = '',
                         auto_detect = false, columns = {'Timestamp': 'DATE', 'Occurrences': 'BIGINT', 'RuntimeID': 'VARCHAR'});

-- [444] $path = "<work>/build/companions/cli-usage-runtime-2026-q3.parquet"
-- formats.sql: load_parquet
CREATE OR REPLACE TEMP TABLE copy_check_copy AS SELECT * FROM read_parquet($path);

-- [445] no parameters
-- formats.sql: parquet_schema
SELECT column_name, column_type FROM (DESCRIBE copy_check_copy);

-- [446] no parameters
-- formats.sql: compare_copy
-- Same count, and no row of either side missing from the other (duplicates counted).
SELECT
  (SELECT count(*) FROM copy_check_tsv)::BIGINT AS tsv_rows,
  (SELECT count(*) FROM copy_check_copy)::BIGINT AS copy_rows,
  (SELECT count(*) FROM (SELECT * FROM copy_check_tsv EXCEPT ALL SELECT * FROM copy_check_copy))::BIGINT AS only_tsv,
  (SELECT count(*) FROM (SELECT * FROM copy_check_copy EXCEPT ALL SELECT * FROM copy_check_tsv))::BIGINT AS only_copy;

-- [447] no parameters
-- formats.sql: drop_check
DROP TABLE IF EXISTS copy_check_tsv; DROP TABLE IF EXISTS copy_check_copy;

-- [448] $counts_events = true, $cap = 500, $stage_detail = 0, $stage_generalised = 1, $stage_remainder = 2
-- protect.sql: protection_stats
SELECT
  (SELECT sum(_events) FROM "ds_cli_usage_runtime_facts")::BIGINT AS events,
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
  (SELECT count(DISTINCT machine_id) FROM "ds_cli_usage_runtime_assigned_packed" WHERE _key IN (SELECT _key FROM "ds_cli_usage_runtime_rows" WHERE NOT _published))::BIGINT AS suppressed_machines,
  (SELECT count(DISTINCT machine_id) FROM "ds_cli_usage_runtime_assigned_packed" WHERE _events > $cap)::BIGINT AS capped_machines,
  (SELECT max(removed) FROM (SELECT sum(_events - least(_events, $cap::BIGINT)) AS removed FROM "ds_cli_usage_runtime_assigned_packed" GROUP BY machine_id))::BIGINT AS largest_removed
FROM "ds_cli_usage_runtime_rows";

-- [449] $path = "<work>/build/companions/cli-usage-sdk-2026-q3.tsv"
-- tsv.sql: copy_tsv
-- The rows sorted so that a rerun over the same archive writes the same bytes. COPY's options are
-- literals: DuckDB takes no parameters there.
COPY (SELECT * FROM (-- tsv.sql: published_rows
-- A dataset's published rows, columns in the dataset's order, the measure named as published.
SELECT "Timestamp", _value AS "Occurrences", "OSFamily", "SDKVersion" FROM "ds_cli_usage_sdk_rows" WHERE _published) ORDER BY "Timestamp" ASC, "OSFamily" ASC, "SDKVersion" ASC) TO $path
  (FORMAT csv, DELIMITER E'\t', HEADER true, QUOTE '', ESCAPE '', NULLSTR '');

-- [450] no parameters
-- tsv.sql: count_published
SELECT count(*)::BIGINT AS n FROM "ds_cli_usage_sdk_rows" WHERE _published;

-- [451] $path = "<work>/build/companions/cli-usage-sdk-2026-q3.tsv"
-- check.sql: load_file
-- The file as published: every column text, nothing inferred. The column list is part of the read's
-- options, which take no parameters.
CREATE OR REPLACE TEMP TABLE check_file AS
  SELECT * FROM read_csv($path, delim = E'\t', header = true, quote = '', escape = '',
                         auto_detect = false, columns = {'Timestamp': 'VARCHAR', 'Occurrences': 'VARCHAR', 'OSFamily': 'VARCHAR', 'SDKVersion': 'VARCHAR'});

-- [452] $k = 10, $limit = 20, $cap = 500
-- check.sql: rows_against_record
-- Every file row must exist in the record, rest on k machines and carry the value the record gives.
-- Counted on the packed key first (integers), then spelled out: a key spelled twice would give a file
-- row two recounts, and any of them wrong or under k is reported.
SELECT f.*, r._machines, r._value AS _recomputed FROM check_file f
LEFT JOIN (
  SELECT k."Timestamp", k."OSFamily", k."SDKVersion", a._machines, a._value
  FROM (SELECT _key, count(DISTINCT machine_id) AS _machines, sum(least(_events, $cap::BIGINT)) AS _value FROM "ds_cli_usage_sdk_assigned_packed" GROUP BY _key) a
  JOIN "ds_cli_usage_sdk_rows" k USING (_key)) r USING ("Timestamp", "OSFamily", "SDKVersion")
WHERE r._machines IS NULL OR r._machines < $k OR r._value::VARCHAR <> f."Occurrences"
LIMIT $limit;

-- [453] $limit = 20
-- check.sql: duplicate_keys
SELECT "Timestamp", "OSFamily", "SDKVersion", count(*) AS copies FROM check_file GROUP BY ALL HAVING count(*) > 1 LIMIT $limit;

-- [454] no parameters
-- check.sql: partition_totals
-- Every fact ended in exactly one row: nothing counted twice, nothing lost.
SELECT (SELECT sum(_events) FROM "ds_cli_usage_sdk_facts")::BIGINT AS facts, (SELECT sum(_events) FROM "ds_cli_usage_sdk_assigned_packed")::BIGINT AS assigned;

-- [455] $limit = 20
-- check.sql: identifier_leaks
-- The published cells are few: each is looked up among the identifiers, not the other way round.
-- Machines are held by the hash of their id: a cell whose hash is a machine's is that id. A value some
-- client also sent in a published field (an SDK version 8.0.100 that is also someone's /24) has a
-- legitimate source: equal by coincidence, not a leak.
WITH cells AS (SELECT DISTINCT unnest(["OSFamily", "SDKVersion"]) AS cell FROM check_file),
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

-- [456] no parameters
-- check.sql: drop_file
DROP TABLE check_file;

-- [457] $path = "<work>/build/companions/cli-usage-sdk-2026-q3.parquet"
-- formats.sql: copy_parquet
-- One fixed schema per dataset (CAST("Timestamp" AS DATE) AS "Timestamp", CAST("Occurrences" AS BIGINT) AS "Occurrences", CAST("OSFamily" AS VARCHAR) AS "OSFamily", CAST("SDKVersion" AS VARCHAR) AS "SDKVersion": every column cast to its declared type), zstd, fixed row
-- groups; sorted like the TSV so that a rerun writes the same bytes.
COPY (SELECT CAST("Timestamp" AS DATE) AS "Timestamp", CAST("Occurrences" AS BIGINT) AS "Occurrences", CAST("OSFamily" AS VARCHAR) AS "OSFamily", CAST("SDKVersion" AS VARCHAR) AS "SDKVersion" FROM (-- tsv.sql: published_rows
-- A dataset's published rows, columns in the dataset's order, the measure named as published.
SELECT "Timestamp", _value AS "Occurrences", "OSFamily", "SDKVersion" FROM "ds_cli_usage_sdk_rows" WHERE _published) ORDER BY "Timestamp" ASC, "OSFamily" ASC, "SDKVersion" ASC) TO $path
  (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880);

-- [458] $path = "<work>/build/companions/cli-usage-sdk-2026-q3.tsv"
-- formats.sql: load_tsv_typed
-- The canonical TSV read back with the same types as the copies.
CREATE OR REPLACE TEMP TABLE copy_check_tsv AS
  SELECT * FROM read_csv($path, delim = E'\t', header = true, quote = '', escape = '',
                         auto_detect = false, columns = {'Timestamp': 'DATE', 'Occurrences': 'BIGINT', 'OSFamily': 'VARCHAR', 'SDKVersion': 'VARCHAR'});

-- [459] $path = "<work>/build/companions/cli-usage-sdk-2026-q3.parquet"
-- formats.sql: load_parquet
CREATE OR REPLACE TEMP TABLE copy_check_copy AS SELECT * FROM read_parquet($path);

-- [460] no parameters
-- formats.sql: parquet_schema
SELECT column_name, column_type FROM (DESCRIBE copy_check_copy);

-- [461] no parameters
-- formats.sql: compare_copy
-- Same count, and no row of either side missing from the other (duplicates counted).
SELECT
  (SELECT count(*) FROM copy_check_tsv)::BIGINT AS tsv_rows,
  (SELECT count(*) FROM copy_check_copy)::BIGINT AS copy_rows,
  (SELECT count(*) FROM (SELECT * FROM copy_check_tsv EXCEPT ALL SELECT * FROM copy_check_copy))::BIGINT AS only_tsv,
  (SELECT count(*) FROM (SELECT * FROM copy_check_copy EXCEPT ALL SELECT * FROM copy_check_tsv))::BIGINT AS only_copy;

-- [462] no parameters
-- formats.sql: drop_check
DROP TABLE IF EXISTS copy_check_tsv; DROP TABLE IF EXISTS copy_check_copy;

-- [463] $counts_events = true, $cap = 500, $stage_detail = 0, $stage_generalised = 1, $stage_remainder = 2
-- protect.sql: protection_stats
SELECT
  (SELECT sum(_events) FROM "ds_cli_usage_sdk_facts")::BIGINT AS events,
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
  (SELECT count(DISTINCT machine_id) FROM "ds_cli_usage_sdk_assigned_packed" WHERE _key IN (SELECT _key FROM "ds_cli_usage_sdk_rows" WHERE NOT _published))::BIGINT AS suppressed_machines,
  (SELECT count(DISTINCT machine_id) FROM "ds_cli_usage_sdk_assigned_packed" WHERE _events > $cap)::BIGINT AS capped_machines,
  (SELECT max(removed) FROM (SELECT sum(_events - least(_events, $cap::BIGINT)) AS removed FROM "ds_cli_usage_sdk_assigned_packed" GROUP BY machine_id))::BIGINT AS largest_removed
FROM "ds_cli_usage_sdk_rows";
