-- Every statement the engine runs for installations, in order, as DuckDB receives it: the query, protect and
-- write stages (src/query, src/protect, src/write; the ingest stage comes before and is not shown).
-- Written by `npm run engine-sql` (tools/engine-sql.ts); test/engine/engine-sql.test.ts fails when it is stale.
-- Do not edit: change the .sql file beside the code (named in each statement's first comment) and rerun.
--
-- Shape: installations built alone for 2026-Q3 (k and cap from its dataset.json) over the built-in archive
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
SELECT json_serialize_sql('SELECT (regexp_extract("RuntimeID", ''-([a-z0-9]+)$'', 1))') AS tree;

-- [8] no parameters
SELECT json_serialize_sql('SELECT (regexp_extract("OSVersion", ''^[0-9]+\.[0-9]+''))') AS tree;

-- [9] no parameters
SELECT json_serialize_sql('SELECT (regexp_extract("OSVersion", ''^[0-9]+''))') AS tree;

-- [10] no parameters
SELECT json_serialize_sql('SELECT (regexp_extract("SDKVersion", ''^[0-9]+\.[0-9]+''))') AS tree;

-- [11] no parameters
SELECT json_serialize_sql('SELECT (regexp_extract("SDKVersion", ''^[0-9]+''))') AS tree;

-- [12] no parameters
SET TimeZone = 'UTC';

-- [13] no parameters
SET preserve_insertion_order = false;

-- [14] no parameters
SELECT DISTINCT lower(function_name) AS name FROM duckdb_functions();

-- [15] no parameters
SELECT json_serialize_sql('SELECT (continent)') AS tree;

-- [16] no parameters
SET TimeZone = 'UTC';

-- [17] no parameters
SET preserve_insertion_order = false;

-- [18] no parameters
SELECT DISTINCT lower(function_name) AS name FROM duckdb_functions();

-- [19] no parameters
SELECT json_serialize_sql('SELECT (continent)') AS tree;

-- [20] no parameters
SET TimeZone = 'UTC';

-- [21] no parameters
SET preserve_insertion_order = false;

-- [22] no parameters
SELECT DISTINCT lower(function_name) AS name FROM duckdb_functions();

-- [23] no parameters
SELECT json_serialize_sql('SELECT (regexp_extract("OSVersion", ''^[0-9]+\.[0-9]+''))') AS tree;

-- [24] no parameters
SELECT json_serialize_sql('SELECT (regexp_extract("OSVersion", ''^[0-9]+''))') AS tree;

-- [25] no parameters
SET TimeZone = 'UTC';

-- [26] no parameters
SET preserve_insertion_order = false;

-- [27] no parameters
SELECT DISTINCT lower(function_name) AS name FROM duckdb_functions();

-- [28] no parameters
SELECT json_serialize_sql('SELECT (regexp_extract("RuntimeID", ''-([a-z0-9]+)$'', 1))') AS tree;

-- [29] no parameters
SET TimeZone = 'UTC';

-- [30] no parameters
SET preserve_insertion_order = false;

-- [31] no parameters
SELECT DISTINCT lower(function_name) AS name FROM duckdb_functions();

-- [32] no parameters
SELECT json_serialize_sql('SELECT (regexp_extract("SDKVersion", ''^[0-9]+\.[0-9]+''))') AS tree;

-- [33] no parameters
SELECT json_serialize_sql('SELECT (regexp_extract("SDKVersion", ''^[0-9]+''))') AS tree;

-- [34] no parameters
CREATE OR REPLACE TEMP MACRO bucket_cores(x) AS CASE WHEN x IS NULL THEN 'Unknown' WHEN x < 1 THEN '<1' WHEN x < 2 THEN '1' WHEN x < 4 THEN '2-3' WHEN x < 8 THEN '4-7' WHEN x < 16 THEN '8-15' WHEN x < 32 THEN '16-31' WHEN x < 64 THEN '32-63' ELSE '64+' END;

-- [35] no parameters
CREATE OR REPLACE TEMP MACRO bucket_memory_gib(x) AS CASE WHEN x IS NULL THEN 'Unknown' WHEN x < 2 THEN '0-1' WHEN x < 4 THEN '2-3' WHEN x < 8 THEN '4-7' WHEN x < 16 THEN '8-15' WHEN x < 32 THEN '16-31' WHEN x < 64 THEN '32-63' WHEN x < 128 THEN '64-127' WHEN x < 256 THEN '128-255' ELSE '256+' END;

-- [36] no parameters
-- facts.sql: query_view
-- The dataset's query.sql as a view. A view cannot hold a bound parameter, and the query has none.
CREATE OR REPLACE TEMP VIEW "ds_installations_query" AS -- installations: distinct production installations of the quarter, one fact per installation and product.
--
-- Installations send a snapshot a day (see the EventStoreDB and Octopus seeds); each is counted once,
-- by its latest snapshot of the quarter, and only when that snapshot says production (Sitecore's rule:
-- development and test environments do not describe real use). machine_id is the installation id.
WITH latest AS (
  SELECT *
  FROM events
  WHERE event = 'snapshot' AND product IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY machine_id, product ORDER BY ts DESC, product_version DESC NULLS LAST) = 1
)
SELECT
  (SELECT label FROM release)                                        AS "Quarter",
  machine_id,
  product                                                            AS "Product",
  product_version                                                    AS "ProductVersion",
  os_family                                                          AS "OSFamily",
  CASE coalesce(TRY_CAST(metrics->>'$.is_container' AS BOOLEAN), is_container)
    WHEN true THEN 'yes' WHEN false THEN 'no' ELSE 'Unknown' END    AS "Container",
  CASE TRY_CAST(metrics->>'$.is_kubernetes' AS BOOLEAN)
    WHEN true THEN 'yes' WHEN false THEN 'no' ELSE 'Unknown' END    AS "Kubernetes",
  bucket_cores(TRY_CAST(metrics->>'$.core_count' AS DOUBLE))         AS "Cores",
  bucket_memory_gib(TRY_CAST(metrics->>'$.total_memory' AS DOUBLE) / 1073741824) AS "MemoryGiB"
FROM latest
WHERE environment = 'production';

-- [37] no parameters
-- facts.sql: describe_query
DESCRIBE SELECT * FROM "ds_installations_query";

-- [38] no parameters
-- facts.sql: create_facts
-- Empty, with the columns and types of the batches inserted below.
CREATE OR REPLACE TEMP TABLE "ds_installations_facts" AS SELECT "Quarter", "machine_id", coalesce(CAST("Product" AS VARCHAR), 'Unknown') AS "Product", coalesce(CAST("ProductVersion" AS VARCHAR), 'Unknown') AS "ProductVersion", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", coalesce(CAST("Container" AS VARCHAR), 'Unknown') AS "Container", coalesce(CAST("Kubernetes" AS VARCHAR), 'Unknown') AS "Kubernetes", coalesce(CAST("Cores" AS VARCHAR), 'Unknown') AS "Cores", coalesce(CAST("MemoryGiB" AS VARCHAR), 'Unknown') AS "MemoryGiB", 0::BIGINT AS _events FROM "ds_installations_query" LIMIT 0;

-- [39] no parameters
-- facts.sql: time_values
-- A time column of another type (a quarter's label) is cut along its distinct values.
SELECT DISTINCT "Quarter" AS v, v::VARCHAR AS text, typeof(v) AS type FROM "ds_installations_query" WHERE v IS NOT NULL ORDER BY v;

-- [40] $first_value = "2026-Q3", $last_value = "2026-Q3"
-- facts.sql: insert_facts_values
INSERT INTO "ds_installations_facts"
  SELECT "Quarter", "machine_id", coalesce(CAST("Product" AS VARCHAR), 'Unknown') AS "Product", coalesce(CAST("ProductVersion" AS VARCHAR), 'Unknown') AS "ProductVersion", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", coalesce(CAST("Container" AS VARCHAR), 'Unknown') AS "Container", coalesce(CAST("Kubernetes" AS VARCHAR), 'Unknown') AS "Kubernetes", coalesce(CAST("Cores" AS VARCHAR), 'Unknown') AS "Cores", coalesce(CAST("MemoryGiB" AS VARCHAR), 'Unknown') AS "MemoryGiB", count(*)::BIGINT FROM "ds_installations_query"
  WHERE "Quarter" BETWEEN CAST($first_value AS VARCHAR) AND CAST($last_value AS VARCHAR)
  GROUP BY ALL;

-- [41] no parameters
-- facts.sql: insert_facts_untimed
INSERT INTO "ds_installations_facts"
  SELECT "Quarter", "machine_id", coalesce(CAST("Product" AS VARCHAR), 'Unknown') AS "Product", coalesce(CAST("ProductVersion" AS VARCHAR), 'Unknown') AS "ProductVersion", coalesce(CAST("OSFamily" AS VARCHAR), 'Unknown') AS "OSFamily", coalesce(CAST("Container" AS VARCHAR), 'Unknown') AS "Container", coalesce(CAST("Kubernetes" AS VARCHAR), 'Unknown') AS "Kubernetes", coalesce(CAST("Cores" AS VARCHAR), 'Unknown') AS "Cores", coalesce(CAST("MemoryGiB" AS VARCHAR), 'Unknown') AS "MemoryGiB", count(*)::BIGINT FROM "ds_installations_query"
  WHERE "Quarter" IS NULL
  GROUP BY ALL;

-- [42] no parameters
-- facts.sql: count_untimed
SELECT count(*)::BIGINT AS n FROM "ds_installations_facts" WHERE "Quarter" IS NULL;

-- [43] no parameters
-- contract.sql: foreign_machines
-- Machine ids of the facts that are no machine of the archive.
SELECT count(*)::BIGINT AS n FROM (SELECT DISTINCT machine_id FROM "ds_installations_facts") ANTI JOIN "archive_machines" USING (machine_id);

-- [44] no parameters
-- facts.sql: unclean_values
-- Every dimension's distinct values in one scan: one grouping set per column, in which the other columns
-- are NULL (facts never hold a NULL dimension); the set's GROUPING_ID says which column a value is of.
-- Only the values that normalise to another text come back.
SELECT position, raw, (CASE WHEN left(coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown'), 1) IN ('=', '+', '-', '@') THEN '''' || coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown') ELSE coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown') END) AS clean FROM (
  SELECT CASE GROUPING_ID("Product", "ProductVersion", "OSFamily", "Container", "Kubernetes", "Cores", "MemoryGiB")
           WHEN 63 THEN 0 /* "Product" */
           WHEN 95 THEN 1 /* "ProductVersion" */
           WHEN 111 THEN 2 /* "OSFamily" */
           WHEN 119 THEN 3 /* "Container" */
           WHEN 123 THEN 4 /* "Kubernetes" */
           WHEN 125 THEN 5 /* "Cores" */
           WHEN 126 THEN 6 /* "MemoryGiB" */
         END AS position,
         coalesce("Product", "ProductVersion", "OSFamily", "Container", "Kubernetes", "Cores", "MemoryGiB") AS raw
  FROM "ds_installations_facts" GROUP BY GROUPING SETS (("Product"), ("ProductVersion"), ("OSFamily"), ("Container"), ("Kubernetes"), ("Cores"), ("MemoryGiB")))
WHERE clean <> raw;

-- [45] no parameters
-- labels.sql: fact_columns
DESCRIBE "ds_installations_facts";

-- [46] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_installations_label_0_values" AS
  SELECT "Product" AS _value, $other::VARCHAR AS l1,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "Product" FROM "ds_installations_facts") GROUP BY ALL;

-- [47] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_installations_label_0" AS
  SELECT "Product" AS _value, "Product" AS _label, 0 AS _level
  FROM "ds_installations_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_installations_label_0_vm" AS
  SELECT DISTINCT f."Product" AS _value, f.machine_id FROM "ds_installations_facts" f
  ANTI JOIN "ds_installations_label_0" t ON t._value = f."Product";
INSERT INTO "ds_installations_label_0"
  SELECT _value, _value, 0 FROM "ds_installations_label_0_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [48] $level = 1
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_installations_label_0_values" v ANTI JOIN "ds_installations_label_0" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l1 FROM unresolved;
INSERT INTO "ds_installations_label_0"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [49] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_installations_label_0_values";

-- [50] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_installations_label_0_values"; DROP TABLE "ds_installations_label_0_vm";

-- [51] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_installations_label_0" GROUP BY _level ORDER BY _level;

-- [52] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_installations_label_1_values" AS
  SELECT "Product", "ProductVersion" AS _value, min(coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((regexp_extract("ProductVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("ProductVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("ProductVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((regexp_extract("ProductVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("ProductVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("ProductVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((regexp_extract("ProductVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("ProductVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("ProductVersion", '^[0-9]+\.[0-9]+')) AS VARCHAR) END), '"', '''') END), ''), coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((regexp_extract("ProductVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("ProductVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("ProductVersion", '^[0-9]+')) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((regexp_extract("ProductVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("ProductVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("ProductVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((regexp_extract("ProductVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("ProductVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("ProductVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') END), ''), 'Other'))) AS l1, min(coalesce(nullif((CASE WHEN left(replace((CASE WHEN regexp_matches(CAST((regexp_extract("ProductVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("ProductVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("ProductVersion", '^[0-9]+')) AS VARCHAR) END), '"', ''''), 1) IN ('=', '+', '-', '@') THEN '''' || replace((CASE WHEN regexp_matches(CAST((regexp_extract("ProductVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("ProductVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("ProductVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') ELSE replace((CASE WHEN regexp_matches(CAST((regexp_extract("ProductVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST((regexp_extract("ProductVersion", '^[0-9]+')) AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST((regexp_extract("ProductVersion", '^[0-9]+')) AS VARCHAR) END), '"', '''') END), ''), 'Other')) AS l2, $other::VARCHAR AS l3,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "Product", "ProductVersion", "Product" FROM "ds_installations_facts") GROUP BY ALL;

-- [53] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_installations_label_1" AS
  SELECT "Product", "ProductVersion" AS _value, "ProductVersion" AS _label, 0 AS _level
  FROM "ds_installations_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_installations_label_1_vm" AS
  SELECT DISTINCT f."Product", f."ProductVersion" AS _value, f.machine_id FROM "ds_installations_facts" f
  ANTI JOIN "ds_installations_label_1" t ON t._value = f."ProductVersion" AND t."Product" = f."Product";
INSERT INTO "ds_installations_label_1"
  SELECT "Product", _value, _value, 0 FROM "ds_installations_label_1_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [54] $k = 10, $level = 1
-- labels.sql: ladder_level
-- Ladder level $level: the values still without a label climb together; a level label with k machines
-- (counted over the values that climbed to it) is theirs.
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_installations_label_1_values" v ANTI JOIN "ds_installations_label_1" t USING ("Product", _value);
CREATE OR REPLACE TEMP TABLE passing AS
  SELECT u."Product", u.l1 FROM unresolved u
  JOIN "ds_installations_label_1_vm" vm ON vm._value = u._value AND u."Product" = vm."Product"
  GROUP BY ALL HAVING count(DISTINCT vm.machine_id) >= $k;
INSERT INTO "ds_installations_label_1"
  SELECT u."Product", u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING ("Product", l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [55] $k = 10, $level = 2
-- labels.sql: ladder_level
-- Ladder level $level: the values still without a label climb together; a level label with k machines
-- (counted over the values that climbed to it) is theirs.
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_installations_label_1_values" v ANTI JOIN "ds_installations_label_1" t USING ("Product", _value);
CREATE OR REPLACE TEMP TABLE passing AS
  SELECT u."Product", u.l2 FROM unresolved u
  JOIN "ds_installations_label_1_vm" vm ON vm._value = u._value AND u."Product" = vm."Product"
  GROUP BY ALL HAVING count(DISTINCT vm.machine_id) >= $k;
INSERT INTO "ds_installations_label_1"
  SELECT u."Product", u._value, u.l2, $level
  FROM unresolved u SEMI JOIN passing p USING ("Product", l2);
DROP TABLE unresolved; DROP TABLE passing;

-- [56] $level = 3
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_installations_label_1_values" v ANTI JOIN "ds_installations_label_1" t USING ("Product", _value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT "Product", l3 FROM unresolved;
INSERT INTO "ds_installations_label_1"
  SELECT u."Product", u._value, u.l3, $level
  FROM unresolved u SEMI JOIN passing p USING ("Product", l3);
DROP TABLE unresolved; DROP TABLE passing;

-- [57] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_installations_label_1_values";

-- [58] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_installations_label_1_values"; DROP TABLE "ds_installations_label_1_vm";

-- [59] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_installations_label_1" GROUP BY _level ORDER BY _level;

-- [60] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_installations_label_2_values" AS
  SELECT "OSFamily" AS _value, $other::VARCHAR AS l1,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "OSFamily" FROM "ds_installations_facts") GROUP BY ALL;

-- [61] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_installations_label_2" AS
  SELECT "OSFamily" AS _value, "OSFamily" AS _label, 0 AS _level
  FROM "ds_installations_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_installations_label_2_vm" AS
  SELECT DISTINCT f."OSFamily" AS _value, f.machine_id FROM "ds_installations_facts" f
  ANTI JOIN "ds_installations_label_2" t ON t._value = f."OSFamily";
INSERT INTO "ds_installations_label_2"
  SELECT _value, _value, 0 FROM "ds_installations_label_2_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [62] $level = 1
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_installations_label_2_values" v ANTI JOIN "ds_installations_label_2" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l1 FROM unresolved;
INSERT INTO "ds_installations_label_2"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [63] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_installations_label_2_values";

-- [64] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_installations_label_2_values"; DROP TABLE "ds_installations_label_2_vm";

-- [65] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_installations_label_2" GROUP BY _level ORDER BY _level;

-- [66] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_installations_label_3_values" AS
  SELECT "Container" AS _value, $other::VARCHAR AS l1,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "Container" FROM "ds_installations_facts") GROUP BY ALL;

-- [67] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_installations_label_3" AS
  SELECT "Container" AS _value, "Container" AS _label, 0 AS _level
  FROM "ds_installations_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_installations_label_3_vm" AS
  SELECT DISTINCT f."Container" AS _value, f.machine_id FROM "ds_installations_facts" f
  ANTI JOIN "ds_installations_label_3" t ON t._value = f."Container";
INSERT INTO "ds_installations_label_3"
  SELECT _value, _value, 0 FROM "ds_installations_label_3_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [68] $level = 1
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_installations_label_3_values" v ANTI JOIN "ds_installations_label_3" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l1 FROM unresolved;
INSERT INTO "ds_installations_label_3"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [69] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_installations_label_3_values";

-- [70] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_installations_label_3_values"; DROP TABLE "ds_installations_label_3_vm";

-- [71] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_installations_label_3" GROUP BY _level ORDER BY _level;

-- [72] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_installations_label_4_values" AS
  SELECT "Kubernetes" AS _value, $other::VARCHAR AS l1,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "Kubernetes" FROM "ds_installations_facts") GROUP BY ALL;

-- [73] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_installations_label_4" AS
  SELECT "Kubernetes" AS _value, "Kubernetes" AS _label, 0 AS _level
  FROM "ds_installations_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_installations_label_4_vm" AS
  SELECT DISTINCT f."Kubernetes" AS _value, f.machine_id FROM "ds_installations_facts" f
  ANTI JOIN "ds_installations_label_4" t ON t._value = f."Kubernetes";
INSERT INTO "ds_installations_label_4"
  SELECT _value, _value, 0 FROM "ds_installations_label_4_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [74] $level = 1
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_installations_label_4_values" v ANTI JOIN "ds_installations_label_4" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l1 FROM unresolved;
INSERT INTO "ds_installations_label_4"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [75] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_installations_label_4_values";

-- [76] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_installations_label_4_values"; DROP TABLE "ds_installations_label_4_vm";

-- [77] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_installations_label_4" GROUP BY _level ORDER BY _level;

-- [78] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_installations_label_5_values" AS
  SELECT "Cores" AS _value, $other::VARCHAR AS l1,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "Cores" FROM "ds_installations_facts") GROUP BY ALL;

-- [79] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_installations_label_5" AS
  SELECT "Cores" AS _value, "Cores" AS _label, 0 AS _level
  FROM "ds_installations_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_installations_label_5_vm" AS
  SELECT DISTINCT f."Cores" AS _value, f.machine_id FROM "ds_installations_facts" f
  ANTI JOIN "ds_installations_label_5" t ON t._value = f."Cores";
INSERT INTO "ds_installations_label_5"
  SELECT _value, _value, 0 FROM "ds_installations_label_5_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [80] $level = 1
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_installations_label_5_values" v ANTI JOIN "ds_installations_label_5" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l1 FROM unresolved;
INSERT INTO "ds_installations_label_5"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [81] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_installations_label_5_values";

-- [82] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_installations_label_5_values"; DROP TABLE "ds_installations_label_5_vm";

-- [83] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_installations_label_5" GROUP BY _level ORDER BY _level;

-- [84] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_installations_label_6_values" AS
  SELECT "MemoryGiB" AS _value, $other::VARCHAR AS l1,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "MemoryGiB" FROM "ds_installations_facts") GROUP BY ALL;

-- [85] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_installations_label_6" AS
  SELECT "MemoryGiB" AS _value, "MemoryGiB" AS _label, 0 AS _level
  FROM "ds_installations_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_installations_label_6_vm" AS
  SELECT DISTINCT f."MemoryGiB" AS _value, f.machine_id FROM "ds_installations_facts" f
  ANTI JOIN "ds_installations_label_6" t ON t._value = f."MemoryGiB";
INSERT INTO "ds_installations_label_6"
  SELECT _value, _value, 0 FROM "ds_installations_label_6_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [86] $level = 1
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_installations_label_6_values" v ANTI JOIN "ds_installations_label_6" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l1 FROM unresolved;
INSERT INTO "ds_installations_label_6"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [87] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_installations_label_6_values";

-- [88] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_installations_label_6_values"; DROP TABLE "ds_installations_label_6_vm";

-- [89] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_installations_label_6" GROUP BY _level ORDER BY _level;

-- [90] no parameters
-- cells.sql: time_codes
-- Every value of the time column gets a code in its order: batches are ranges of codes.
CREATE OR REPLACE TEMP TABLE "ds_installations_time_codes" AS
  SELECT (row_number() OVER (ORDER BY _value) - 1)::BIGINT AS _code, _value, _value::VARCHAR AS _text
  FROM (SELECT DISTINCT "Quarter" AS _value FROM "ds_installations_facts");

-- [91] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_installations_label_0_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_installations_label_0" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_installations_label_0" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_installations_label_0" l JOIN "ds_installations_label_0_codes" c ON c._text = l._label;

-- [92] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_installations_label_1_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_installations_label_1" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_installations_label_1" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_installations_label_1" l JOIN "ds_installations_label_1_codes" c ON c._text = l._label;

-- [93] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_installations_label_2_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_installations_label_2" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_installations_label_2" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_installations_label_2" l JOIN "ds_installations_label_2_codes" c ON c._text = l._label;

-- [94] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_installations_label_3_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_installations_label_3" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_installations_label_3" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_installations_label_3" l JOIN "ds_installations_label_3_codes" c ON c._text = l._label;

-- [95] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_installations_label_4_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_installations_label_4" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_installations_label_4" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_installations_label_4" l JOIN "ds_installations_label_4_codes" c ON c._text = l._label;

-- [96] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_installations_label_5_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_installations_label_5" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_installations_label_5" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_installations_label_5" l JOIN "ds_installations_label_5_codes" c ON c._text = l._label;

-- [97] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_installations_label_6_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_installations_label_6" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_installations_label_6" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_installations_label_6" l JOIN "ds_installations_label_6_codes" c ON c._text = l._label;

-- [98] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_installations_label_6_codes";

-- [99] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_installations_label_5_codes";

-- [100] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_installations_label_4_codes";

-- [101] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_installations_label_3_codes";

-- [102] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_installations_label_2_codes";

-- [103] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_installations_label_1_codes";

-- [104] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_installations_label_0_codes";

-- [105] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_installations_time_codes";

-- [106] no parameters
-- cells.sql: cell_tables
-- The packed record (which machine's events went into which row, by key), the rows, and the record with
-- the row's key spelled out. TEMP  keeps the record out of the database file unless a revision
-- will ATTACH it. Table definitions take no parameters.
CREATE OR REPLACE TEMP TABLE "ds_installations_assigned_packed" (_key BIGINT, machine_id UBIGINT, _events BIGINT, _stage TINYINT);
CREATE OR REPLACE TEMP TABLE "ds_installations_rows" ("Quarter" VARCHAR, "Product" VARCHAR, "ProductVersion" VARCHAR, "OSFamily" VARCHAR, "Container" VARCHAR, "Kubernetes" VARCHAR, "Cores" VARCHAR, "MemoryGiB" VARCHAR, _key BIGINT, _value BIGINT, _machines BIGINT, _raw_events BIGINT, _stage INTEGER, _published BOOLEAN, _secondary BOOLEAN DEFAULT false);
CREATE OR REPLACE TEMP VIEW "ds_installations_assigned" AS
  SELECT r."Quarter", r."Product", r."ProductVersion", r."OSFamily", r."Container", r."Kubernetes", r."Cores", r."MemoryGiB", a.machine_id, a._events, a._stage::INTEGER AS _stage
  FROM "ds_installations_assigned_packed" a JOIN "ds_installations_rows" r USING (_key);

-- [107] no parameters
-- cells.sql: fact_time_codes
-- The first and last codes of the time values the facts hold: a shard's facts hold some days of the quarter.
SELECT min(_code)::BIGINT AS first, max(_code)::BIGINT AS last
FROM "ds_installations_time_codes" WHERE _value IN (SELECT DISTINCT "Quarter" FROM "ds_installations_facts");

-- [108] $first_code = 0, $last_code = 0, $k = 10, $stage_detail = 0, $stage_generalised = 1, $stage_remainder = 2, $step1_mask = "252", $step2_mask = "240", $step3_mask = "224", $step4_mask = "192", $shift_time = 7, $shift_0 = 6, $shift_1 = 5, $shift_2 = 4, $shift_3 = 3, $shift_4 = 2, $shift_5 = 1, $shift_6 = 0
-- cells.sql: batch_pairs
-- One batch of time codes ($first_code .. $last_code), from facts to every (key, machine) pair in its final
-- row. `labelled`: the facts with their quarter-wide labels as one key. `pairs0`: facts can share a pair
-- only through a label several values share, so only those are grouped (grouping all of them was a third
-- of the cell stage). Then the remainder steps, and `settled`: every pair of every step that stopped
-- moving; `merged`: the keys kept at one step that received pairs again at a later one, regrouped here.
INSERT INTO "ds_installations_assigned_packed"
  WITH labelled AS MATERIALIZED (
    SELECT (t._code::BIGINT << $shift_time) /* Quarter */
             | (l0._code::BIGINT << $shift_0) /* Product */
             | (l1._code::BIGINT << $shift_1) /* ProductVersion */
             | (l2._code::BIGINT << $shift_2) /* OSFamily */
             | (l3._code::BIGINT << $shift_3) /* Container */
             | (l4._code::BIGINT << $shift_4) /* Kubernetes */
             | (l5._code::BIGINT << $shift_5) /* Cores */
             | (l6._code::BIGINT << $shift_6) /* MemoryGiB */ AS _key, f.machine_id, f._events,
           (CASE WHEN l0._level > 0 OR l1._level > 0 OR l2._level > 0 OR l3._level > 0 OR l4._level > 0 OR l5._level > 0 OR l6._level > 0 THEN $stage_generalised ELSE $stage_detail END)::TINYINT AS _stage,
           l0._shared OR l1._shared OR l2._shared OR l3._shared OR l4._shared OR l5._shared OR l6._shared AS _shared
    FROM "ds_installations_facts" f
    JOIN "ds_installations_time_codes" t ON t._value = f."Quarter"
    JOIN "ds_installations_label_0" l0 ON l0._value = f."Product"
    JOIN "ds_installations_label_1" l1 ON l1."Product" = f."Product" AND l1._value = f."ProductVersion"
    JOIN "ds_installations_label_2" l2 ON l2._value = f."OSFamily"
    JOIN "ds_installations_label_3" l3 ON l3._value = f."Container"
    JOIN "ds_installations_label_4" l4 ON l4._value = f."Kubernetes"
    JOIN "ds_installations_label_5" l5 ON l5._value = f."Cores"
    JOIN "ds_installations_label_6" l6 ON l6._value = f."MemoryGiB"
    WHERE t._code BETWEEN $first_code AND $last_code),
  pairs0 AS MATERIALIZED (
    SELECT _key, machine_id, _events, _stage FROM labelled WHERE NOT _shared
    UNION ALL
    SELECT _key, machine_id, sum(_events)::BIGINT, max(_stage)::TINYINT FROM labelled WHERE _shared GROUP BY _key, machine_id),
  -- cells.sql: remainder_step
-- A remainder step's CTEs (a fragment of batch_pairs). counted0: the machines of each key among the
-- pairs still moving; a key with k of them, or one an earlier step kept (false), keeps its pairs for
-- good (kept0). The others' pairs get the step's fields cleared to "Other" and merge by key as
-- pairs1: remainder step 1 clears Cores, MemoryGiB.
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
-- pairs2: remainder step 2 clears Container, Kubernetes, Cores, MemoryGiB.
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
-- pairs3: remainder step 3 clears OSFamily, Container, Kubernetes, Cores, MemoryGiB.
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
-- pairs4: remainder step 4 clears ProductVersion, OSFamily, Container, Kubernetes, Cores, MemoryGiB.
counted3 AS MATERIALIZED (
    SELECT _key, count(*) >= $k AS _enough, _key IN (SELECT _key FROM kept2) AS _merges FROM pairs3 GROUP BY _key),
  kept3 AS MATERIALIZED (
    SELECT _key FROM kept2 UNION ALL SELECT _key FROM counted3 WHERE _enough AND NOT _merges),
  pairs4 AS MATERIALIZED (
    SELECT _key & $step4_mask::BIGINT AS _key, machine_id, sum(_events)::BIGINT AS _events, $stage_remainder::TINYINT AS _stage
    FROM pairs3 SEMI JOIN (SELECT _key FROM counted3 WHERE NOT (_enough OR _merges)) USING (_key)
    GROUP BY ALL),
  -- cells.sql: last_count
-- After the last remainder step: what is still under k stays where it is, to be suppressed.
counted4 AS MATERIALIZED (
    SELECT _key, count(*) >= $k AS _enough, _key IN (SELECT _key FROM kept3) AS _merges FROM pairs4 GROUP BY _key),
  settled AS (
    SELECT * FROM pairs0 SEMI JOIN (SELECT _key FROM counted0 WHERE _enough OR _merges) USING (_key)
    UNION ALL SELECT * FROM pairs1 SEMI JOIN (SELECT _key FROM counted1 WHERE _enough OR _merges) USING (_key)
    UNION ALL SELECT * FROM pairs2 SEMI JOIN (SELECT _key FROM counted2 WHERE _enough OR _merges) USING (_key)
    UNION ALL SELECT * FROM pairs3 SEMI JOIN (SELECT _key FROM counted3 WHERE _enough OR _merges) USING (_key)
    UNION ALL SELECT * FROM pairs4),
  merged AS MATERIALIZED (
    SELECT _key FROM counted0 WHERE _merges UNION ALL SELECT _key FROM counted1 WHERE _merges UNION ALL SELECT _key FROM counted2 WHERE _merges UNION ALL SELECT _key FROM counted3 WHERE _merges UNION ALL SELECT _key FROM counted4 WHERE _merges)
  SELECT _key, machine_id, _events, _stage FROM settled WHERE _key NOT IN (SELECT _key FROM merged)
  UNION ALL
  SELECT _key, machine_id, sum(_events)::BIGINT, max(_stage)::TINYINT FROM settled WHERE _key IN (SELECT _key FROM merged) GROUP BY ALL;

-- [109] $k = 10, $low_key = "0", $high_key = "127", $shift_time = 7, $shift_0 = 6, $shift_1 = 5, $shift_2 = 4, $shift_3 = 3, $shift_4 = 2, $shift_5 = 1, $shift_6 = 0, $field_mask_time = "1", $field_mask_0 = "1", $field_mask_1 = "1", $field_mask_2 = "1", $field_mask_3 = "1", $field_mask_4 = "1", $field_mask_5 = "1", $field_mask_6 = "1"
-- cells.sql: batch_rows
-- The batch's rows from its pairs, found by their key range ($low_key .. $high_key: time takes the top
-- bits and batches are inserted in order), each key's fields decoded back to text.
INSERT INTO "ds_installations_rows"
  SELECT d0._text, d1._text, d2._text, d3._text, d4._text, d5._text, d6._text, d7._text, r.*, false
  FROM (SELECT _key, count(*)::BIGINT AS _value, count(*)::BIGINT AS _machines, sum(_events)::BIGINT AS _raw_events,
               max(_stage)::INTEGER AS _stage, count(*) >= $k AS _published
        FROM "ds_installations_assigned_packed" WHERE _key BETWEEN $low_key::BIGINT AND $high_key::BIGINT GROUP BY _key) r
  JOIN "ds_installations_time_codes" d0 ON d0._code = ((r._key >> $shift_time) & $field_mask_time::BIGINT) /* Quarter */
  JOIN "ds_installations_label_0_codes" d1 ON d1._code = ((r._key >> $shift_0) & $field_mask_0::BIGINT) /* Product */
  JOIN "ds_installations_label_1_codes" d2 ON d2._code = ((r._key >> $shift_1) & $field_mask_1::BIGINT) /* ProductVersion */
  JOIN "ds_installations_label_2_codes" d3 ON d3._code = ((r._key >> $shift_2) & $field_mask_2::BIGINT) /* OSFamily */
  JOIN "ds_installations_label_3_codes" d4 ON d4._code = ((r._key >> $shift_3) & $field_mask_3::BIGINT) /* Container */
  JOIN "ds_installations_label_4_codes" d5 ON d5._code = ((r._key >> $shift_4) & $field_mask_4::BIGINT) /* Kubernetes */
  JOIN "ds_installations_label_5_codes" d6 ON d6._code = ((r._key >> $shift_5) & $field_mask_5::BIGINT) /* Cores */
  JOIN "ds_installations_label_6_codes" d7 ON d7._code = ((r._key >> $shift_6) & $field_mask_6::BIGINT) /* MemoryGiB */;

-- [110] no parameters
CREATE OR REPLACE TEMP MACRO bucket_count(x) AS CASE WHEN x IS NULL THEN 'Unknown' WHEN x < 1 THEN '0' WHEN x < 2 THEN '1' WHEN x < 6 THEN '2-5' WHEN x < 21 THEN '6-20' WHEN x < 101 THEN '21-100' ELSE '101+' END;

-- [111] no parameters
-- facts.sql: query_view
-- The dataset's query.sql as a view. A view cannot hold a bound parameter, and the query has none.
CREATE OR REPLACE TEMP VIEW "ds_feature_usage_query" AS -- feature-usage: for each product and feature flag or counter, how many production installations report
-- each value, one fact per installation, product and feature.
--
-- Same population as `installations` (latest snapshot of the quarter, production only): the two
-- datasets are protected together against differencing. Flags publish yes/no; counters publish the
-- count buckets of dataset.json (0, 1, 2-5, 6-20, 21-100, 101+). Machine size (cores, memory, disk,
-- container, Kubernetes) is not a feature: `installations` publishes it, bucketed for what it is.
WITH latest AS (
  SELECT *
  FROM events
  WHERE event = 'snapshot' AND product IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY machine_id, product ORDER BY ts DESC, product_version DESC NULLS LAST) = 1
), features AS (
  SELECT l.machine_id, l.product, f.key AS feature, f.value AS value
  FROM latest l, json_each(l.metrics) f
  WHERE l.environment = 'production'
    AND f.key NOT IN ('core_count', 'total_memory', 'total_disk_space', 'is_container', 'is_kubernetes')
    AND json_type(f.value) <> 'NULL'
)
SELECT
  (SELECT label FROM release)   AS "Quarter",
  machine_id,
  product                       AS "Product",
  feature                       AS "Feature",
  CASE
    WHEN json_type(value) = 'BOOLEAN' THEN CASE WHEN value::VARCHAR = 'true' THEN 'yes' ELSE 'no' END
    WHEN json_type(value) IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN bucket_count(value::VARCHAR::DOUBLE)
    ELSE 'Unknown'
  END                           AS "Value"
FROM features;

-- [112] no parameters
-- facts.sql: describe_query
DESCRIBE SELECT * FROM "ds_feature_usage_query";

-- [113] no parameters
-- facts.sql: create_facts
-- Empty, with the columns and types of the batches inserted below.
CREATE OR REPLACE TEMP TABLE "ds_feature_usage_facts" AS SELECT "Quarter", "machine_id", coalesce(CAST("Product" AS VARCHAR), 'Unknown') AS "Product", coalesce(CAST("Feature" AS VARCHAR), 'Unknown') AS "Feature", coalesce(CAST("Value" AS VARCHAR), 'Unknown') AS "Value", 0::BIGINT AS _events FROM "ds_feature_usage_query" LIMIT 0;

-- [114] no parameters
-- facts.sql: time_values
-- A time column of another type (a quarter's label) is cut along its distinct values.
SELECT DISTINCT "Quarter" AS v, v::VARCHAR AS text, typeof(v) AS type FROM "ds_feature_usage_query" WHERE v IS NOT NULL ORDER BY v;

-- [115] $first_value = "2026-Q3", $last_value = "2026-Q3"
-- facts.sql: insert_facts_values
INSERT INTO "ds_feature_usage_facts"
  SELECT "Quarter", "machine_id", coalesce(CAST("Product" AS VARCHAR), 'Unknown') AS "Product", coalesce(CAST("Feature" AS VARCHAR), 'Unknown') AS "Feature", coalesce(CAST("Value" AS VARCHAR), 'Unknown') AS "Value", count(*)::BIGINT FROM "ds_feature_usage_query"
  WHERE "Quarter" BETWEEN CAST($first_value AS VARCHAR) AND CAST($last_value AS VARCHAR)
  GROUP BY ALL;

-- [116] no parameters
-- facts.sql: insert_facts_untimed
INSERT INTO "ds_feature_usage_facts"
  SELECT "Quarter", "machine_id", coalesce(CAST("Product" AS VARCHAR), 'Unknown') AS "Product", coalesce(CAST("Feature" AS VARCHAR), 'Unknown') AS "Feature", coalesce(CAST("Value" AS VARCHAR), 'Unknown') AS "Value", count(*)::BIGINT FROM "ds_feature_usage_query"
  WHERE "Quarter" IS NULL
  GROUP BY ALL;

-- [117] no parameters
-- facts.sql: count_untimed
SELECT count(*)::BIGINT AS n FROM "ds_feature_usage_facts" WHERE "Quarter" IS NULL;

-- [118] no parameters
-- contract.sql: foreign_machines
-- Machine ids of the facts that are no machine of the archive.
SELECT count(*)::BIGINT AS n FROM (SELECT DISTINCT machine_id FROM "ds_feature_usage_facts") ANTI JOIN "archive_machines" USING (machine_id);

-- [119] no parameters
-- facts.sql: unclean_values
-- Every dimension's distinct values in one scan: one grouping set per column, in which the other columns
-- are NULL (facts never hold a NULL dimension); the set's GROUPING_ID says which column a value is of.
-- Only the values that normalise to another text come back.
SELECT position, raw, (CASE WHEN left(coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown'), 1) IN ('=', '+', '-', '@') THEN '''' || coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown') ELSE coalesce(nullif(trim(replace((CASE WHEN regexp_matches(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+') THEN regexp_replace(CAST(raw AS VARCHAR), '[\x00-\x1f\x7f-\x{9f}]+', ' ', 'g') ELSE CAST(raw AS VARCHAR) END), '"', '''')), ''), 'Unknown') END) AS clean FROM (
  SELECT CASE GROUPING_ID("Product", "Feature", "Value")
           WHEN 3 THEN 0 /* "Product" */
           WHEN 5 THEN 1 /* "Feature" */
           WHEN 6 THEN 2 /* "Value" */
         END AS position,
         coalesce("Product", "Feature", "Value") AS raw
  FROM "ds_feature_usage_facts" GROUP BY GROUPING SETS (("Product"), ("Feature"), ("Value")))
WHERE clean <> raw;

-- [120] no parameters
-- labels.sql: fact_columns
DESCRIBE "ds_feature_usage_facts";

-- [121] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_feature_usage_label_0_values" AS
  SELECT "Product" AS _value, $other::VARCHAR AS l1,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "Product" FROM "ds_feature_usage_facts") GROUP BY ALL;

-- [122] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_feature_usage_label_0" AS
  SELECT "Product" AS _value, "Product" AS _label, 0 AS _level
  FROM "ds_feature_usage_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_feature_usage_label_0_vm" AS
  SELECT DISTINCT f."Product" AS _value, f.machine_id FROM "ds_feature_usage_facts" f
  ANTI JOIN "ds_feature_usage_label_0" t ON t._value = f."Product";
INSERT INTO "ds_feature_usage_label_0"
  SELECT _value, _value, 0 FROM "ds_feature_usage_label_0_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [123] $level = 1
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_feature_usage_label_0_values" v ANTI JOIN "ds_feature_usage_label_0" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l1 FROM unresolved;
INSERT INTO "ds_feature_usage_label_0"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [124] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_feature_usage_label_0_values";

-- [125] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_feature_usage_label_0_values"; DROP TABLE "ds_feature_usage_label_0_vm";

-- [126] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_feature_usage_label_0" GROUP BY _level ORDER BY _level;

-- [127] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_feature_usage_label_1_values" AS
  SELECT "Product", "Feature" AS _value, $other::VARCHAR AS l1,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "Product", "Feature" FROM "ds_feature_usage_facts") GROUP BY ALL;

-- [128] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_feature_usage_label_1" AS
  SELECT "Product", "Feature" AS _value, "Feature" AS _label, 0 AS _level
  FROM "ds_feature_usage_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_feature_usage_label_1_vm" AS
  SELECT DISTINCT f."Product", f."Feature" AS _value, f.machine_id FROM "ds_feature_usage_facts" f
  ANTI JOIN "ds_feature_usage_label_1" t ON t._value = f."Feature" AND t."Product" = f."Product";
INSERT INTO "ds_feature_usage_label_1"
  SELECT "Product", _value, _value, 0 FROM "ds_feature_usage_label_1_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [129] $level = 1
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_feature_usage_label_1_values" v ANTI JOIN "ds_feature_usage_label_1" t USING ("Product", _value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT "Product", l1 FROM unresolved;
INSERT INTO "ds_feature_usage_label_1"
  SELECT u."Product", u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING ("Product", l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [130] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_feature_usage_label_1_values";

-- [131] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_feature_usage_label_1_values"; DROP TABLE "ds_feature_usage_label_1_vm";

-- [132] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_feature_usage_label_1" GROUP BY _level ORDER BY _level;

-- [133] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TEMP TABLE "ds_feature_usage_label_2_values" AS
  SELECT "Product", "Feature", "Value" AS _value, $other::VARCHAR AS l1,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "Product", "Feature", "Value" FROM "ds_feature_usage_facts") GROUP BY ALL;

-- [134] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TEMP TABLE "ds_feature_usage_label_2" AS
  SELECT "Product", "Feature", "Value" AS _value, "Value" AS _label, 0 AS _level
  FROM "ds_feature_usage_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TEMP TABLE "ds_feature_usage_label_2_vm" AS
  SELECT DISTINCT f."Product", f."Feature", f."Value" AS _value, f.machine_id FROM "ds_feature_usage_facts" f
  ANTI JOIN "ds_feature_usage_label_2" t ON t._value = f."Value" AND t."Product" = f."Product" AND t."Feature" = f."Feature";
INSERT INTO "ds_feature_usage_label_2"
  SELECT "Product", "Feature", _value, _value, 0 FROM "ds_feature_usage_label_2_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [135] $level = 1
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_feature_usage_label_2_values" v ANTI JOIN "ds_feature_usage_label_2" t USING ("Product", "Feature", _value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT "Product", "Feature", l1 FROM unresolved;
INSERT INTO "ds_feature_usage_label_2"
  SELECT u."Product", u."Feature", u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING ("Product", "Feature", l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [136] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_feature_usage_label_2_values";

-- [137] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_feature_usage_label_2_values"; DROP TABLE "ds_feature_usage_label_2_vm";

-- [138] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_feature_usage_label_2" GROUP BY _level ORDER BY _level;

-- [139] no parameters
-- cells.sql: time_codes
-- Every value of the time column gets a code in its order: batches are ranges of codes.
CREATE OR REPLACE TEMP TABLE "ds_feature_usage_time_codes" AS
  SELECT (row_number() OVER (ORDER BY _value) - 1)::BIGINT AS _code, _value, _value::VARCHAR AS _text
  FROM (SELECT DISTINCT "Quarter" AS _value FROM "ds_feature_usage_facts");

-- [140] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_feature_usage_label_0_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_feature_usage_label_0" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_feature_usage_label_0" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_feature_usage_label_0" l JOIN "ds_feature_usage_label_0_codes" c ON c._text = l._label;

-- [141] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_feature_usage_label_1_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_feature_usage_label_1" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_feature_usage_label_1" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_feature_usage_label_1" l JOIN "ds_feature_usage_label_1_codes" c ON c._text = l._label;

-- [142] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE "ds_feature_usage_label_2_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_feature_usage_label_2" WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE "ds_feature_usage_label_2" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_feature_usage_label_2" l JOIN "ds_feature_usage_label_2_codes" c ON c._text = l._label;

-- [143] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_feature_usage_label_2_codes";

-- [144] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_feature_usage_label_1_codes";

-- [145] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_feature_usage_label_0_codes";

-- [146] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_feature_usage_time_codes";

-- [147] no parameters
-- cells.sql: cell_tables
-- The packed record (which machine's events went into which row, by key), the rows, and the record with
-- the row's key spelled out. TEMP  keeps the record out of the database file unless a revision
-- will ATTACH it. Table definitions take no parameters.
CREATE OR REPLACE TEMP TABLE "ds_feature_usage_assigned_packed" (_key BIGINT, machine_id UBIGINT, _events BIGINT, _stage TINYINT);
CREATE OR REPLACE TEMP TABLE "ds_feature_usage_rows" ("Quarter" VARCHAR, "Product" VARCHAR, "Feature" VARCHAR, "Value" VARCHAR, _key BIGINT, _value BIGINT, _machines BIGINT, _raw_events BIGINT, _stage INTEGER, _published BOOLEAN, _secondary BOOLEAN DEFAULT false);
CREATE OR REPLACE TEMP VIEW "ds_feature_usage_assigned" AS
  SELECT r."Quarter", r."Product", r."Feature", r."Value", a.machine_id, a._events, a._stage::INTEGER AS _stage
  FROM "ds_feature_usage_assigned_packed" a JOIN "ds_feature_usage_rows" r USING (_key);

-- [148] no parameters
-- cells.sql: fact_time_codes
-- The first and last codes of the time values the facts hold: a shard's facts hold some days of the quarter.
SELECT min(_code)::BIGINT AS first, max(_code)::BIGINT AS last
FROM "ds_feature_usage_time_codes" WHERE _value IN (SELECT DISTINCT "Quarter" FROM "ds_feature_usage_facts");

-- [149] $first_code = 0, $last_code = 0, $k = 10, $stage_detail = 0, $stage_generalised = 1, $stage_remainder = 2, $step1_mask = "14", $shift_time = 3, $shift_0 = 2, $shift_1 = 1, $shift_2 = 0
-- cells.sql: batch_pairs
-- One batch of time codes ($first_code .. $last_code), from facts to every (key, machine) pair in its final
-- row. `labelled`: the facts with their quarter-wide labels as one key. `pairs0`: facts can share a pair
-- only through a label several values share, so only those are grouped (grouping all of them was a third
-- of the cell stage). Then the remainder steps, and `settled`: every pair of every step that stopped
-- moving; `merged`: the keys kept at one step that received pairs again at a later one, regrouped here.
INSERT INTO "ds_feature_usage_assigned_packed"
  WITH labelled AS MATERIALIZED (
    SELECT (t._code::BIGINT << $shift_time) /* Quarter */
             | (l0._code::BIGINT << $shift_0) /* Product */
             | (l1._code::BIGINT << $shift_1) /* Feature */
             | (l2._code::BIGINT << $shift_2) /* Value */ AS _key, f.machine_id, f._events,
           (CASE WHEN l0._level > 0 OR l1._level > 0 OR l2._level > 0 THEN $stage_generalised ELSE $stage_detail END)::TINYINT AS _stage,
           l0._shared OR l1._shared OR l2._shared AS _shared
    FROM "ds_feature_usage_facts" f
    JOIN "ds_feature_usage_time_codes" t ON t._value = f."Quarter"
    JOIN "ds_feature_usage_label_0" l0 ON l0._value = f."Product"
    JOIN "ds_feature_usage_label_1" l1 ON l1."Product" = f."Product" AND l1._value = f."Feature"
    JOIN "ds_feature_usage_label_2" l2 ON l2."Product" = f."Product" AND l2."Feature" = f."Feature" AND l2._value = f."Value"
    WHERE t._code BETWEEN $first_code AND $last_code),
  pairs0 AS MATERIALIZED (
    SELECT _key, machine_id, _events, _stage FROM labelled WHERE NOT _shared
    UNION ALL
    SELECT _key, machine_id, sum(_events)::BIGINT, max(_stage)::TINYINT FROM labelled WHERE _shared GROUP BY _key, machine_id),
  -- cells.sql: remainder_step
-- A remainder step's CTEs (a fragment of batch_pairs). counted0: the machines of each key among the
-- pairs still moving; a key with k of them, or one an earlier step kept (false), keeps its pairs for
-- good (kept0). The others' pairs get the step's fields cleared to "Other" and merge by key as
-- pairs1: remainder step 1 clears Value.
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

-- [150] $k = 10, $low_key = "0", $high_key = "7", $shift_time = 3, $shift_0 = 2, $shift_1 = 1, $shift_2 = 0, $field_mask_time = "1", $field_mask_0 = "1", $field_mask_1 = "1", $field_mask_2 = "1"
-- cells.sql: batch_rows
-- The batch's rows from its pairs, found by their key range ($low_key .. $high_key: time takes the top
-- bits and batches are inserted in order), each key's fields decoded back to text.
INSERT INTO "ds_feature_usage_rows"
  SELECT d0._text, d1._text, d2._text, d3._text, r.*, false
  FROM (SELECT _key, count(*)::BIGINT AS _value, count(*)::BIGINT AS _machines, sum(_events)::BIGINT AS _raw_events,
               max(_stage)::INTEGER AS _stage, count(*) >= $k AS _published
        FROM "ds_feature_usage_assigned_packed" WHERE _key BETWEEN $low_key::BIGINT AND $high_key::BIGINT GROUP BY _key) r
  JOIN "ds_feature_usage_time_codes" d0 ON d0._code = ((r._key >> $shift_time) & $field_mask_time::BIGINT) /* Quarter */
  JOIN "ds_feature_usage_label_0_codes" d1 ON d1._code = ((r._key >> $shift_0) & $field_mask_0::BIGINT) /* Product */
  JOIN "ds_feature_usage_label_1_codes" d2 ON d2._code = ((r._key >> $shift_1) & $field_mask_1::BIGINT) /* Feature */
  JOIN "ds_feature_usage_label_2_codes" d3 ON d3._code = ((r._key >> $shift_2) & $field_mask_2::BIGINT) /* Value */;

-- [151] $dataset_0 = "installations", $dataset_1 = "feature-usage"
-- linked.sql: inner_cells
-- Inner cells: groups of machines that fall in exactly the same rows (the same signature).
CREATE OR REPLACE TEMP TABLE linked_membership AS
  -- linked.sql: membership_of_dataset
-- (A fragment of inner_cells, one per dataset.) Which machines are counted in which row.
SELECT DISTINCT $dataset_0 || ':' || json_array("Quarter", "Product", "ProductVersion", "OSFamily", "Container", "Kubernetes", "Cores", "MemoryGiB")::VARCHAR AS row_id, machine_id FROM "ds_installations_assigned"
  UNION ALL -- linked.sql: membership_of_dataset
-- (A fragment of inner_cells, one per dataset.) Which machines are counted in which row.
SELECT DISTINCT $dataset_1 || ':' || json_array("Quarter", "Product", "Feature", "Value")::VARCHAR AS row_id, machine_id FROM "ds_feature_usage_assigned";
CREATE OR REPLACE TEMP TABLE linked_signature AS
  SELECT machine_id, string_agg(row_id, chr(30) ORDER BY row_id) AS signature FROM linked_membership GROUP BY machine_id;
CREATE OR REPLACE TEMP TABLE linked_inner AS
  SELECT signature, (row_number() OVER (ORDER BY signature) - 1)::INTEGER AS inner_index FROM (SELECT DISTINCT signature FROM linked_signature);

-- [152] $dataset_0 = "installations", $dataset_1 = "feature-usage"
-- linked.sql: vectors
-- Each row as the list of inner cells it counts.
SELECT r.row_id, list(DISTINCT i.inner_index ORDER BY i.inner_index) AS inner, any_value(r._value)::BIGINT AS value, any_value(r._published) AS published
FROM (
  -- linked.sql: rows_of_dataset
-- (A fragment of vectors, one per dataset.)
SELECT $dataset_0 || ':' || json_array("Quarter", "Product", "ProductVersion", "OSFamily", "Container", "Kubernetes", "Cores", "MemoryGiB")::VARCHAR AS row_id, _value, _published FROM "ds_installations_rows"
  UNION ALL -- linked.sql: rows_of_dataset
-- (A fragment of vectors, one per dataset.)
SELECT $dataset_1 || ':' || json_array("Quarter", "Product", "Feature", "Value")::VARCHAR AS row_id, _value, _published FROM "ds_feature_usage_rows") r
JOIN linked_membership m USING (row_id) JOIN linked_signature s USING (machine_id) JOIN linked_inner i USING (signature)
GROUP BY r.row_id ORDER BY r.row_id;

-- [153] no parameters
-- linked.sql: count_inner_cells
SELECT count(*)::BIGINT AS n FROM linked_inner;

-- [154] no parameters
-- linked.sql: drop_inner_cells
DROP TABLE linked_membership; DROP TABLE linked_signature; DROP TABLE linked_inner;

-- [155] $path = "<work>/build/out/installations-2026-q3.tsv"
-- tsv.sql: copy_tsv
-- The rows sorted so that a rerun over the same archive writes the same bytes. COPY's options are
-- literals: DuckDB takes no parameters there.
COPY (SELECT * FROM (-- tsv.sql: published_rows
-- A dataset's published rows, columns in the dataset's order, the measure named as published.
SELECT "Quarter", _value AS "Installations", "Product", "ProductVersion", "OSFamily", "Container", "Kubernetes", "Cores", "MemoryGiB" FROM "ds_installations_rows" WHERE _published) ORDER BY "Quarter" ASC, "Product" ASC, "ProductVersion" ASC, "OSFamily" ASC, "Container" ASC, "Kubernetes" ASC, "Cores" ASC, "MemoryGiB" ASC) TO $path
  (FORMAT csv, DELIMITER E'\t', HEADER true, QUOTE '', ESCAPE '', NULLSTR '');

-- [156] no parameters
-- tsv.sql: count_published
SELECT count(*)::BIGINT AS n FROM "ds_installations_rows" WHERE _published;

-- [157] $path = "<work>/build/out/installations-2026-q3.tsv"
-- check.sql: load_file
-- The file as published: every column text, nothing inferred. The column list is part of the read's
-- options, which take no parameters.
CREATE OR REPLACE TEMP TABLE check_file AS
  SELECT * FROM read_csv($path, delim = E'\t', header = true, quote = '', escape = '',
                         auto_detect = false, columns = {'Quarter': 'VARCHAR', 'Installations': 'VARCHAR', 'Product': 'VARCHAR', 'ProductVersion': 'VARCHAR', 'OSFamily': 'VARCHAR', 'Container': 'VARCHAR', 'Kubernetes': 'VARCHAR', 'Cores': 'VARCHAR', 'MemoryGiB': 'VARCHAR'});

-- [158] $k = 10, $limit = 20
-- check.sql: rows_against_record
-- Every file row must exist in the record, rest on k machines and carry the value the record gives.
-- Counted on the packed key first (integers), then spelled out: a key spelled twice would give a file
-- row two recounts, and any of them wrong or under k is reported.
SELECT f.*, r._machines, r._value AS _recomputed FROM check_file f
LEFT JOIN (
  SELECT k."Quarter", k."Product", k."ProductVersion", k."OSFamily", k."Container", k."Kubernetes", k."Cores", k."MemoryGiB", a._machines, a._value
  FROM (SELECT _key, count(DISTINCT machine_id) AS _machines, count(*) AS _value FROM "ds_installations_assigned_packed" GROUP BY _key) a
  JOIN "ds_installations_rows" k USING (_key)) r USING ("Quarter", "Product", "ProductVersion", "OSFamily", "Container", "Kubernetes", "Cores", "MemoryGiB")
WHERE r._machines IS NULL OR r._machines < $k OR r._value::VARCHAR <> f."Installations"
LIMIT $limit;

-- [159] $limit = 20
-- check.sql: duplicate_keys
SELECT "Quarter", "Product", "ProductVersion", "OSFamily", "Container", "Kubernetes", "Cores", "MemoryGiB", count(*) AS copies FROM check_file GROUP BY ALL HAVING count(*) > 1 LIMIT $limit;

-- [160] no parameters
-- check.sql: partition_totals
-- Every fact ended in exactly one row: nothing counted twice, nothing lost.
SELECT (SELECT sum(_events) FROM "ds_installations_facts")::BIGINT AS facts, (SELECT sum(_events) FROM "ds_installations_assigned_packed")::BIGINT AS assigned;

-- [161] $limit = 20
-- check.sql: identifier_leaks
-- The published cells are few: each is looked up among the identifiers, not the other way round.
-- Machines are held by the hash of their id: a cell whose hash is a machine's is that id. A value some
-- client also sent in a published field (an SDK version 8.0.100 that is also someone's /24) has a
-- legitimate source: equal by coincidence, not a leak.
WITH cells AS (SELECT DISTINCT unnest(["Quarter", "Product", "ProductVersion", "OSFamily", "Container", "Kubernetes", "Cores", "MemoryGiB"]) AS cell FROM check_file),
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

-- [162] no parameters
-- check.sql: drop_file
DROP TABLE check_file;

-- [163] $path = "<work>/build/out/installations-2026-q3.parquet"
-- formats.sql: copy_parquet
-- One fixed schema per dataset (CAST("Quarter" AS VARCHAR) AS "Quarter", CAST("Installations" AS BIGINT) AS "Installations", CAST("Product" AS VARCHAR) AS "Product", CAST("ProductVersion" AS VARCHAR) AS "ProductVersion", CAST("OSFamily" AS VARCHAR) AS "OSFamily", CAST("Container" AS VARCHAR) AS "Container", CAST("Kubernetes" AS VARCHAR) AS "Kubernetes", CAST("Cores" AS VARCHAR) AS "Cores", CAST("MemoryGiB" AS VARCHAR) AS "MemoryGiB": every column cast to its declared type), zstd, fixed row
-- groups; sorted like the TSV so that a rerun writes the same bytes.
COPY (SELECT CAST("Quarter" AS VARCHAR) AS "Quarter", CAST("Installations" AS BIGINT) AS "Installations", CAST("Product" AS VARCHAR) AS "Product", CAST("ProductVersion" AS VARCHAR) AS "ProductVersion", CAST("OSFamily" AS VARCHAR) AS "OSFamily", CAST("Container" AS VARCHAR) AS "Container", CAST("Kubernetes" AS VARCHAR) AS "Kubernetes", CAST("Cores" AS VARCHAR) AS "Cores", CAST("MemoryGiB" AS VARCHAR) AS "MemoryGiB" FROM (-- tsv.sql: published_rows
-- A dataset's published rows, columns in the dataset's order, the measure named as published.
SELECT "Quarter", _value AS "Installations", "Product", "ProductVersion", "OSFamily", "Container", "Kubernetes", "Cores", "MemoryGiB" FROM "ds_installations_rows" WHERE _published) ORDER BY "Quarter" ASC, "Product" ASC, "ProductVersion" ASC, "OSFamily" ASC, "Container" ASC, "Kubernetes" ASC, "Cores" ASC, "MemoryGiB" ASC) TO $path
  (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880);

-- [164] $path = "<work>/build/out/installations-2026-q3.tsv"
-- formats.sql: load_tsv_typed
-- The canonical TSV read back with the same types as the copies.
CREATE OR REPLACE TEMP TABLE copy_check_tsv AS
  SELECT * FROM read_csv($path, delim = E'\t', header = true, quote = '', escape = '',
                         auto_detect = false, columns = {'Quarter': 'VARCHAR', 'Installations': 'BIGINT', 'Product': 'VARCHAR', 'ProductVersion': 'VARCHAR', 'OSFamily': 'VARCHAR', 'Container': 'VARCHAR', 'Kubernetes': 'VARCHAR', 'Cores': 'VARCHAR', 'MemoryGiB': 'VARCHAR'});

-- [165] $path = "<work>/build/out/installations-2026-q3.parquet"
-- formats.sql: load_parquet
CREATE OR REPLACE TEMP TABLE copy_check_copy AS SELECT * FROM read_parquet($path);

-- [166] no parameters
-- formats.sql: parquet_schema
SELECT column_name, column_type FROM (DESCRIBE copy_check_copy);

-- [167] no parameters
-- formats.sql: compare_copy
-- Same count, and no row of either side missing from the other (duplicates counted).
SELECT
  (SELECT count(*) FROM copy_check_tsv)::BIGINT AS tsv_rows,
  (SELECT count(*) FROM copy_check_copy)::BIGINT AS copy_rows,
  (SELECT count(*) FROM (SELECT * FROM copy_check_tsv EXCEPT ALL SELECT * FROM copy_check_copy))::BIGINT AS only_tsv,
  (SELECT count(*) FROM (SELECT * FROM copy_check_copy EXCEPT ALL SELECT * FROM copy_check_tsv))::BIGINT AS only_copy;

-- [168] no parameters
-- formats.sql: drop_check
DROP TABLE IF EXISTS copy_check_tsv; DROP TABLE IF EXISTS copy_check_copy;

-- [169] $counts_events = false, $cap = 1000000, $stage_detail = 0, $stage_generalised = 1, $stage_remainder = 2
-- protect.sql: protection_stats
SELECT
  (SELECT sum(_events) FROM "ds_installations_facts")::BIGINT AS events,
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
  (SELECT count(DISTINCT machine_id) FROM "ds_installations_assigned_packed" WHERE _key IN (SELECT _key FROM "ds_installations_rows" WHERE NOT _published))::BIGINT AS suppressed_machines,
  (SELECT count(DISTINCT machine_id) FROM "ds_installations_assigned_packed" WHERE _events > $cap)::BIGINT AS capped_machines,
  (SELECT max(removed) FROM (SELECT sum(_events - least(_events, $cap::BIGINT)) AS removed FROM "ds_installations_assigned_packed" GROUP BY machine_id))::BIGINT AS largest_removed
FROM "ds_installations_rows";

-- [170] $path = "<work>/build/companions/feature-usage-2026-q3.tsv"
-- tsv.sql: copy_tsv
-- The rows sorted so that a rerun over the same archive writes the same bytes. COPY's options are
-- literals: DuckDB takes no parameters there.
COPY (SELECT * FROM (-- tsv.sql: published_rows
-- A dataset's published rows, columns in the dataset's order, the measure named as published.
SELECT "Quarter", _value AS "Installations", "Product", "Feature", "Value" FROM "ds_feature_usage_rows" WHERE _published) ORDER BY "Quarter" ASC, "Product" ASC, "Feature" ASC, "Value" ASC) TO $path
  (FORMAT csv, DELIMITER E'\t', HEADER true, QUOTE '', ESCAPE '', NULLSTR '');

-- [171] no parameters
-- tsv.sql: count_published
SELECT count(*)::BIGINT AS n FROM "ds_feature_usage_rows" WHERE _published;

-- [172] $path = "<work>/build/companions/feature-usage-2026-q3.tsv"
-- check.sql: load_file
-- The file as published: every column text, nothing inferred. The column list is part of the read's
-- options, which take no parameters.
CREATE OR REPLACE TEMP TABLE check_file AS
  SELECT * FROM read_csv($path, delim = E'\t', header = true, quote = '', escape = '',
                         auto_detect = false, columns = {'Quarter': 'VARCHAR', 'Installations': 'VARCHAR', 'Product': 'VARCHAR', 'Feature': 'VARCHAR', 'Value': 'VARCHAR'});

-- [173] $k = 10, $limit = 20
-- check.sql: rows_against_record
-- Every file row must exist in the record, rest on k machines and carry the value the record gives.
-- Counted on the packed key first (integers), then spelled out: a key spelled twice would give a file
-- row two recounts, and any of them wrong or under k is reported.
SELECT f.*, r._machines, r._value AS _recomputed FROM check_file f
LEFT JOIN (
  SELECT k."Quarter", k."Product", k."Feature", k."Value", a._machines, a._value
  FROM (SELECT _key, count(DISTINCT machine_id) AS _machines, count(*) AS _value FROM "ds_feature_usage_assigned_packed" GROUP BY _key) a
  JOIN "ds_feature_usage_rows" k USING (_key)) r USING ("Quarter", "Product", "Feature", "Value")
WHERE r._machines IS NULL OR r._machines < $k OR r._value::VARCHAR <> f."Installations"
LIMIT $limit;

-- [174] $limit = 20
-- check.sql: duplicate_keys
SELECT "Quarter", "Product", "Feature", "Value", count(*) AS copies FROM check_file GROUP BY ALL HAVING count(*) > 1 LIMIT $limit;

-- [175] no parameters
-- check.sql: partition_totals
-- Every fact ended in exactly one row: nothing counted twice, nothing lost.
SELECT (SELECT sum(_events) FROM "ds_feature_usage_facts")::BIGINT AS facts, (SELECT sum(_events) FROM "ds_feature_usage_assigned_packed")::BIGINT AS assigned;

-- [176] $limit = 20
-- check.sql: identifier_leaks
-- The published cells are few: each is looked up among the identifiers, not the other way round.
-- Machines are held by the hash of their id: a cell whose hash is a machine's is that id. A value some
-- client also sent in a published field (an SDK version 8.0.100 that is also someone's /24) has a
-- legitimate source: equal by coincidence, not a leak.
WITH cells AS (SELECT DISTINCT unnest(["Quarter", "Product", "Feature", "Value"]) AS cell FROM check_file),
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

-- [177] no parameters
-- check.sql: drop_file
DROP TABLE check_file;

-- [178] $path = "<work>/build/companions/feature-usage-2026-q3.parquet"
-- formats.sql: copy_parquet
-- One fixed schema per dataset (CAST("Quarter" AS VARCHAR) AS "Quarter", CAST("Installations" AS BIGINT) AS "Installations", CAST("Product" AS VARCHAR) AS "Product", CAST("Feature" AS VARCHAR) AS "Feature", CAST("Value" AS VARCHAR) AS "Value": every column cast to its declared type), zstd, fixed row
-- groups; sorted like the TSV so that a rerun writes the same bytes.
COPY (SELECT CAST("Quarter" AS VARCHAR) AS "Quarter", CAST("Installations" AS BIGINT) AS "Installations", CAST("Product" AS VARCHAR) AS "Product", CAST("Feature" AS VARCHAR) AS "Feature", CAST("Value" AS VARCHAR) AS "Value" FROM (-- tsv.sql: published_rows
-- A dataset's published rows, columns in the dataset's order, the measure named as published.
SELECT "Quarter", _value AS "Installations", "Product", "Feature", "Value" FROM "ds_feature_usage_rows" WHERE _published) ORDER BY "Quarter" ASC, "Product" ASC, "Feature" ASC, "Value" ASC) TO $path
  (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880);

-- [179] $path = "<work>/build/companions/feature-usage-2026-q3.tsv"
-- formats.sql: load_tsv_typed
-- The canonical TSV read back with the same types as the copies.
CREATE OR REPLACE TEMP TABLE copy_check_tsv AS
  SELECT * FROM read_csv($path, delim = E'\t', header = true, quote = '', escape = '',
                         auto_detect = false, columns = {'Quarter': 'VARCHAR', 'Installations': 'BIGINT', 'Product': 'VARCHAR', 'Feature': 'VARCHAR', 'Value': 'VARCHAR'});

-- [180] $path = "<work>/build/companions/feature-usage-2026-q3.parquet"
-- formats.sql: load_parquet
CREATE OR REPLACE TEMP TABLE copy_check_copy AS SELECT * FROM read_parquet($path);

-- [181] no parameters
-- formats.sql: parquet_schema
SELECT column_name, column_type FROM (DESCRIBE copy_check_copy);

-- [182] no parameters
-- formats.sql: compare_copy
-- Same count, and no row of either side missing from the other (duplicates counted).
SELECT
  (SELECT count(*) FROM copy_check_tsv)::BIGINT AS tsv_rows,
  (SELECT count(*) FROM copy_check_copy)::BIGINT AS copy_rows,
  (SELECT count(*) FROM (SELECT * FROM copy_check_tsv EXCEPT ALL SELECT * FROM copy_check_copy))::BIGINT AS only_tsv,
  (SELECT count(*) FROM (SELECT * FROM copy_check_copy EXCEPT ALL SELECT * FROM copy_check_tsv))::BIGINT AS only_copy;

-- [183] no parameters
-- formats.sql: drop_check
DROP TABLE IF EXISTS copy_check_tsv; DROP TABLE IF EXISTS copy_check_copy;

-- [184] $counts_events = false, $cap = 1000000, $stage_detail = 0, $stage_generalised = 1, $stage_remainder = 2
-- protect.sql: protection_stats
SELECT
  (SELECT sum(_events) FROM "ds_feature_usage_facts")::BIGINT AS events,
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
  (SELECT count(DISTINCT machine_id) FROM "ds_feature_usage_assigned_packed" WHERE _key IN (SELECT _key FROM "ds_feature_usage_rows" WHERE NOT _published))::BIGINT AS suppressed_machines,
  (SELECT count(DISTINCT machine_id) FROM "ds_feature_usage_assigned_packed" WHERE _events > $cap)::BIGINT AS capped_machines,
  (SELECT max(removed) FROM (SELECT sum(_events - least(_events, $cap::BIGINT)) AS removed FROM "ds_feature_usage_assigned_packed" GROUP BY machine_id))::BIGINT AS largest_removed
FROM "ds_feature_usage_rows";
