-- Every statement the engine runs for feature-usage, in order, as DuckDB receives it: the query, protect and
-- write stages (src/query, src/protect, src/write; the ingest stage comes before and is not shown).
-- Written by `npm run engine-sql` (tools/engine-sql.ts); test/engine/engine-sql.test.ts fails when it is stale.
-- Do not edit: change the .sql file beside the code (named in each statement's first comment) and rerun.
--
-- Shape: feature-usage built alone for 2026-Q3 (k and cap from its dataset.json) over the built-in archive
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
CREATE OR REPLACE TEMP MACRO bucket_count(x) AS CASE WHEN x IS NULL THEN 'Unknown' WHEN x < 1 THEN '0' WHEN x < 2 THEN '1' WHEN x < 6 THEN '2-5' WHEN x < 21 THEN '6-20' WHEN x < 101 THEN '21-100' ELSE '101+' END;

-- [3] no parameters
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

-- [4] no parameters
-- facts.sql: describe_query
DESCRIBE SELECT * FROM "ds_feature_usage_query";

-- [5] no parameters
-- facts.sql: create_facts
-- Empty, with the columns and types of the batches inserted below.
CREATE OR REPLACE TEMP TABLE "ds_feature_usage_facts" AS SELECT "Quarter", "machine_id", coalesce(CAST("Product" AS VARCHAR), 'Unknown') AS "Product", coalesce(CAST("Feature" AS VARCHAR), 'Unknown') AS "Feature", coalesce(CAST("Value" AS VARCHAR), 'Unknown') AS "Value", 0::BIGINT AS _events FROM "ds_feature_usage_query" LIMIT 0;

-- [6] no parameters
-- facts.sql: time_values
-- A time column of another type (a quarter's label) is cut along its distinct values.
SELECT DISTINCT "Quarter" AS v, v::VARCHAR AS text, typeof(v) AS type FROM "ds_feature_usage_query" WHERE v IS NOT NULL ORDER BY v;

-- [7] $first_value = "2026-Q3", $last_value = "2026-Q3"
-- facts.sql: insert_facts_values
INSERT INTO "ds_feature_usage_facts"
  SELECT "Quarter", "machine_id", coalesce(CAST("Product" AS VARCHAR), 'Unknown') AS "Product", coalesce(CAST("Feature" AS VARCHAR), 'Unknown') AS "Feature", coalesce(CAST("Value" AS VARCHAR), 'Unknown') AS "Value", count(*)::BIGINT FROM "ds_feature_usage_query"
  WHERE "Quarter" BETWEEN CAST($first_value AS VARCHAR) AND CAST($last_value AS VARCHAR)
  GROUP BY ALL;

-- [8] no parameters
-- facts.sql: insert_facts_untimed
INSERT INTO "ds_feature_usage_facts"
  SELECT "Quarter", "machine_id", coalesce(CAST("Product" AS VARCHAR), 'Unknown') AS "Product", coalesce(CAST("Feature" AS VARCHAR), 'Unknown') AS "Feature", coalesce(CAST("Value" AS VARCHAR), 'Unknown') AS "Value", count(*)::BIGINT FROM "ds_feature_usage_query"
  WHERE "Quarter" IS NULL
  GROUP BY ALL;

-- [9] no parameters
-- facts.sql: count_untimed
SELECT count(*)::BIGINT AS n FROM "ds_feature_usage_facts" WHERE "Quarter" IS NULL;

-- [10] no parameters
-- facts.sql: unclean_values
-- Every dimension's distinct values in one scan: one grouping set per column, in which the other columns
-- are NULL (facts never hold a NULL dimension); the set's GROUPING_ID says which column a value is of.
-- Only the values that normalise to another text come back.
SELECT position, raw, (CASE WHEN left((CASE WHEN strpos(CAST(coalesce(nullif(trim(CAST(raw AS VARCHAR)), ''), 'Unknown') AS VARCHAR), chr(9)) > 0 OR strpos(CAST(coalesce(nullif(trim(CAST(raw AS VARCHAR)), ''), 'Unknown') AS VARCHAR), chr(10)) > 0 OR strpos(CAST(coalesce(nullif(trim(CAST(raw AS VARCHAR)), ''), 'Unknown') AS VARCHAR), chr(13)) > 0
    THEN regexp_replace(CAST(coalesce(nullif(trim(CAST(raw AS VARCHAR)), ''), 'Unknown') AS VARCHAR), '[\t\r\n]+', ' ', 'g') ELSE CAST(coalesce(nullif(trim(CAST(raw AS VARCHAR)), ''), 'Unknown') AS VARCHAR) END), 1) IN ('=', '+', '-', '@') THEN '''' || (CASE WHEN strpos(CAST(coalesce(nullif(trim(CAST(raw AS VARCHAR)), ''), 'Unknown') AS VARCHAR), chr(9)) > 0 OR strpos(CAST(coalesce(nullif(trim(CAST(raw AS VARCHAR)), ''), 'Unknown') AS VARCHAR), chr(10)) > 0 OR strpos(CAST(coalesce(nullif(trim(CAST(raw AS VARCHAR)), ''), 'Unknown') AS VARCHAR), chr(13)) > 0
    THEN regexp_replace(CAST(coalesce(nullif(trim(CAST(raw AS VARCHAR)), ''), 'Unknown') AS VARCHAR), '[\t\r\n]+', ' ', 'g') ELSE CAST(coalesce(nullif(trim(CAST(raw AS VARCHAR)), ''), 'Unknown') AS VARCHAR) END) ELSE (CASE WHEN strpos(CAST(coalesce(nullif(trim(CAST(raw AS VARCHAR)), ''), 'Unknown') AS VARCHAR), chr(9)) > 0 OR strpos(CAST(coalesce(nullif(trim(CAST(raw AS VARCHAR)), ''), 'Unknown') AS VARCHAR), chr(10)) > 0 OR strpos(CAST(coalesce(nullif(trim(CAST(raw AS VARCHAR)), ''), 'Unknown') AS VARCHAR), chr(13)) > 0
    THEN regexp_replace(CAST(coalesce(nullif(trim(CAST(raw AS VARCHAR)), ''), 'Unknown') AS VARCHAR), '[\t\r\n]+', ' ', 'g') ELSE CAST(coalesce(nullif(trim(CAST(raw AS VARCHAR)), ''), 'Unknown') AS VARCHAR) END) END) AS clean FROM (
  SELECT CASE GROUPING_ID("Product", "Feature", "Value")
           WHEN 3 THEN 0 /* "Product" */
           WHEN 5 THEN 1 /* "Feature" */
           WHEN 6 THEN 2 /* "Value" */
         END AS position,
         coalesce("Product", "Feature", "Value") AS raw
  FROM "ds_feature_usage_facts" GROUP BY GROUPING SETS (("Product"), ("Feature"), ("Value")))
WHERE clean <> raw;

-- [11] no parameters
-- labels.sql: fact_columns
DESCRIBE "ds_feature_usage_facts";

-- [12] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TABLE "ds_feature_usage_label_0_values" AS
  SELECT "Product" AS _value, $other::VARCHAR AS l1,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "Product" FROM "ds_feature_usage_facts") GROUP BY ALL;

-- [13] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TABLE "ds_feature_usage_label_0" AS
  SELECT "Product" AS _value, "Product" AS _label, 0 AS _level
  FROM "ds_feature_usage_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TABLE "ds_feature_usage_label_0_vm" AS
  SELECT DISTINCT f."Product" AS _value, f.machine_id FROM "ds_feature_usage_facts" f
  ANTI JOIN "ds_feature_usage_label_0" t ON t._value = f."Product";
INSERT INTO "ds_feature_usage_label_0"
  SELECT _value, _value, 0 FROM "ds_feature_usage_label_0_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [14] $level = 1
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_feature_usage_label_0_values" v ANTI JOIN "ds_feature_usage_label_0" t USING (_value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT l1 FROM unresolved;
INSERT INTO "ds_feature_usage_label_0"
  SELECT u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING (l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [15] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_feature_usage_label_0_values";

-- [16] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_feature_usage_label_0_values"; DROP TABLE "ds_feature_usage_label_0_vm";

-- [17] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_feature_usage_label_0" GROUP BY _level ORDER BY _level;

-- [18] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TABLE "ds_feature_usage_label_1_values" AS
  SELECT "Product", "Feature" AS _value, $other::VARCHAR AS l1,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "Product", "Feature" FROM "ds_feature_usage_facts") GROUP BY ALL;

-- [19] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TABLE "ds_feature_usage_label_1" AS
  SELECT "Product", "Feature" AS _value, "Feature" AS _label, 0 AS _level
  FROM "ds_feature_usage_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TABLE "ds_feature_usage_label_1_vm" AS
  SELECT DISTINCT f."Product", f."Feature" AS _value, f.machine_id FROM "ds_feature_usage_facts" f
  ANTI JOIN "ds_feature_usage_label_1" t ON t._value = f."Feature" AND t."Product" = f."Product";
INSERT INTO "ds_feature_usage_label_1"
  SELECT "Product", _value, _value, 0 FROM "ds_feature_usage_label_1_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [20] $level = 1
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_feature_usage_label_1_values" v ANTI JOIN "ds_feature_usage_label_1" t USING ("Product", _value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT "Product", l1 FROM unresolved;
INSERT INTO "ds_feature_usage_label_1"
  SELECT u."Product", u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING ("Product", l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [21] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_feature_usage_label_1_values";

-- [22] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_feature_usage_label_1_values"; DROP TABLE "ds_feature_usage_label_1_vm";

-- [23] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_feature_usage_label_1" GROUP BY _level ORDER BY _level;

-- [24] $other = "Other"
-- labels.sql: label_values
-- Every value of the dimension (within its scope) with its label at each ladder level, computed once per
-- distinct combination of the columns the ladder reads, not once per fact.
CREATE OR REPLACE TABLE "ds_feature_usage_label_2_values" AS
  SELECT "Product", "Feature", "Value" AS _value, $other::VARCHAR AS l1,
         count(*) AS _combinations
  FROM (SELECT DISTINCT "Product", "Feature", "Value" FROM "ds_feature_usage_facts") GROUP BY ALL;

-- [25] $k = 10
-- labels.sql: level_zero
-- Level 0 is exact but counted in two cheap passes. A sample of the facts can only hold fewer machines
-- than all of them, so a value with k machines in a tenth of the facts keeps its label; the machines of
-- the other values (the rare ones, so a small table) are listed from all facts, which settles the values
-- the sample missed and feeds the ladder. (Counting every value's machines over all facts cost 2.4 s per
-- 10M events, mostly for the common values.) The sample's size and seed are literals: DuckDB's sample
-- clause takes constants only.
CREATE OR REPLACE TABLE "ds_feature_usage_label_2" AS
  SELECT "Product", "Feature", "Value" AS _value, "Value" AS _label, 0 AS _level
  FROM "ds_feature_usage_facts" TABLESAMPLE 10% (system, 1)
  GROUP BY ALL HAVING count(DISTINCT machine_id) >= $k;
CREATE OR REPLACE TABLE "ds_feature_usage_label_2_vm" AS
  SELECT DISTINCT f."Product", f."Feature", f."Value" AS _value, f.machine_id FROM "ds_feature_usage_facts" f
  ANTI JOIN "ds_feature_usage_label_2" t ON t._value = f."Value" AND t."Product" = f."Product" AND t."Feature" = f."Feature";
INSERT INTO "ds_feature_usage_label_2"
  SELECT "Product", "Feature", _value, _value, 0 FROM "ds_feature_usage_label_2_vm" GROUP BY ALL HAVING count(*) >= $k;

-- [26] $level = 1
-- labels.sql: other_level
-- The last level, "Other", takes whatever is left; the rows it makes are judged later (cells.sql).
CREATE OR REPLACE TEMP TABLE unresolved AS
  SELECT v.* FROM "ds_feature_usage_label_2_values" v ANTI JOIN "ds_feature_usage_label_2" t USING ("Product", "Feature", _value);
CREATE OR REPLACE TEMP TABLE passing AS SELECT DISTINCT "Product", "Feature", l1 FROM unresolved;
INSERT INTO "ds_feature_usage_label_2"
  SELECT u."Product", u."Feature", u._value, u.l1, $level
  FROM unresolved u SEMI JOIN passing p USING ("Product", "Feature", l1);
DROP TABLE unresolved; DROP TABLE passing;

-- [27] no parameters
-- labels.sql: largest_combinations
SELECT max(_combinations)::BIGINT AS n FROM "ds_feature_usage_label_2_values";

-- [28] no parameters
-- labels.sql: drop_work_tables
DROP TABLE "ds_feature_usage_label_2_values"; DROP TABLE "ds_feature_usage_label_2_vm";

-- [29] no parameters
-- labels.sql: level_stats
SELECT _level AS level, count(*)::BIGINT AS values, count(DISTINCT _label)::BIGINT AS labels
FROM "ds_feature_usage_label_2" GROUP BY _level ORDER BY _level;

-- [30] no parameters
-- cells.sql: time_codes
-- Every value of the time column gets a code in its order: batches are ranges of codes.
CREATE OR REPLACE TABLE "ds_feature_usage_time_codes" AS
  SELECT (row_number() OVER (ORDER BY _value) - 1)::BIGINT AS _code, _value, _value::VARCHAR AS _text
  FROM (SELECT DISTINCT "Quarter" AS _value FROM "ds_feature_usage_facts");

-- [31] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TABLE "ds_feature_usage_label_0_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_feature_usage_label_0" WHERE _label <> $other);
CREATE OR REPLACE TABLE "ds_feature_usage_label_0" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_feature_usage_label_0" l JOIN "ds_feature_usage_label_0_codes" c ON c._text = l._label;

-- [32] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TABLE "ds_feature_usage_label_1_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_feature_usage_label_1" WHERE _label <> $other);
CREATE OR REPLACE TABLE "ds_feature_usage_label_1" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_feature_usage_label_1" l JOIN "ds_feature_usage_label_1_codes" c ON c._text = l._label;

-- [33] $other = "Other"
-- cells.sql: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TABLE "ds_feature_usage_label_2_codes" AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM "ds_feature_usage_label_2" WHERE _label <> $other);
CREATE OR REPLACE TABLE "ds_feature_usage_label_2" AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM "ds_feature_usage_label_2" l JOIN "ds_feature_usage_label_2_codes" c ON c._text = l._label;

-- [34] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_feature_usage_label_2_codes";

-- [35] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_feature_usage_label_1_codes";

-- [36] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_feature_usage_label_0_codes";

-- [37] no parameters
-- cells.sql: largest_code
SELECT max(_code)::BIGINT AS n FROM "ds_feature_usage_time_codes";

-- [38] no parameters
-- cells.sql: cell_tables
-- The packed record (which machine's events went into which row, by key), the rows, and the record with
-- the row's key spelled out. TEMP  keeps the record out of the database file unless a revision
-- will ATTACH it. Table definitions take no parameters.
CREATE OR REPLACE TEMP TABLE "ds_feature_usage_assigned_packed" (_key BIGINT, machine_id UBIGINT, _events BIGINT, _stage TINYINT);
CREATE OR REPLACE TABLE "ds_feature_usage_rows" ("Quarter" VARCHAR, "Product" VARCHAR, "Feature" VARCHAR, "Value" VARCHAR, _key BIGINT, _value BIGINT, _machines BIGINT, _raw_events BIGINT, _stage INTEGER, _published BOOLEAN, _secondary BOOLEAN DEFAULT false);
CREATE OR REPLACE TEMP VIEW "ds_feature_usage_assigned" AS
  SELECT r."Quarter", r."Product", r."Feature", r."Value", a.machine_id, a._events, a._stage::INTEGER AS _stage
  FROM "ds_feature_usage_assigned_packed" a JOIN "ds_feature_usage_rows" r USING (_key);

-- [39] no parameters
-- cells.sql: count_time_codes
SELECT count(*)::BIGINT AS n FROM "ds_feature_usage_time_codes";

-- [40] $first_code = 0, $last_code = 0, $k = 10, $stage_detail = 0, $stage_generalised = 1, $stage_remainder = 2, $step1_mask = "14", $shift_time = 3, $shift_0 = 2, $shift_1 = 1, $shift_2 = 0
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

-- [41] $k = 10, $low_key = "0", $high_key = "7", $shift_time = 3, $field_mask_time = "1", $shift_0 = 2, $field_mask_0 = "1", $shift_1 = 1, $field_mask_1 = "1", $shift_2 = 0, $field_mask_2 = "1"
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

-- [42] $dataset_0 = "feature-usage"
-- linked.sql: inner_cells
-- Inner cells: groups of machines that fall in exactly the same rows (the same signature).
CREATE OR REPLACE TEMP TABLE linked_membership AS
  -- linked.sql: membership_of_dataset
-- (A fragment of inner_cells, one per dataset.) Which machines are counted in which row.
SELECT DISTINCT $dataset_0 || ':' || json_array("Quarter", "Product", "Feature", "Value")::VARCHAR AS row_id, machine_id FROM "ds_feature_usage_assigned";
CREATE OR REPLACE TEMP TABLE linked_signature AS
  SELECT machine_id, string_agg(row_id, chr(30) ORDER BY row_id) AS signature FROM linked_membership GROUP BY machine_id;
CREATE OR REPLACE TEMP TABLE linked_inner AS
  SELECT signature, (row_number() OVER (ORDER BY signature) - 1)::INTEGER AS inner_index FROM (SELECT DISTINCT signature FROM linked_signature);

-- [43] $dataset_0 = "feature-usage"
-- linked.sql: vectors
-- Each row as the list of inner cells it counts.
SELECT r.row_id, list(DISTINCT i.inner_index ORDER BY i.inner_index) AS inner, any_value(r._value)::BIGINT AS value, any_value(r._published) AS published
FROM (
  -- linked.sql: rows_of_dataset
-- (A fragment of vectors, one per dataset.)
SELECT $dataset_0 || ':' || json_array("Quarter", "Product", "Feature", "Value")::VARCHAR AS row_id, _value, _published FROM "ds_feature_usage_rows") r
JOIN linked_membership m USING (row_id) JOIN linked_signature s USING (machine_id) JOIN linked_inner i USING (signature)
GROUP BY r.row_id ORDER BY r.row_id;

-- [44] no parameters
-- linked.sql: count_inner_cells
SELECT count(*)::BIGINT AS n FROM linked_inner;

-- [45] no parameters
-- linked.sql: drop_inner_cells
DROP TABLE linked_membership; DROP TABLE linked_signature; DROP TABLE linked_inner;

-- [46] $path = "<work>/build/out/feature-usage-2026-q3.tsv"
-- tsv.sql: copy_tsv
-- The rows sorted so that a rerun over the same archive writes the same bytes. COPY's options are
-- literals: DuckDB takes no parameters there.
COPY (SELECT * FROM (-- tsv.sql: published_rows
-- A dataset's published rows, columns in the dataset's order, the measure named as published.
SELECT "Quarter", _value AS "Installations", "Product", "Feature", "Value" FROM "ds_feature_usage_rows" WHERE _published) ORDER BY "Quarter" ASC, "Product" ASC, "Feature" ASC, "Value" ASC) TO $path
  (FORMAT csv, DELIMITER E'\t', HEADER true, QUOTE '', ESCAPE '', NULLSTR '');

-- [47] no parameters
-- tsv.sql: count_published
SELECT count(*)::BIGINT AS n FROM "ds_feature_usage_rows" WHERE _published;

-- [48] $path = "<work>/build/out/feature-usage-2026-q3.tsv"
-- check.sql: load_file
-- The file as published: every column text, nothing inferred. The column list is part of the read's
-- options, which take no parameters.
CREATE OR REPLACE TEMP TABLE check_file AS
  SELECT * FROM read_csv($path, delim = E'\t', header = true, quote = '', escape = '',
                         auto_detect = false, columns = {'Quarter': 'VARCHAR', 'Installations': 'VARCHAR', 'Product': 'VARCHAR', 'Feature': 'VARCHAR', 'Value': 'VARCHAR'});

-- [49] $k = 10, $limit = 20
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

-- [50] $limit = 20
-- check.sql: duplicate_keys
SELECT "Quarter", "Product", "Feature", "Value", count(*) AS copies FROM check_file GROUP BY ALL HAVING count(*) > 1 LIMIT $limit;

-- [51] no parameters
-- check.sql: partition_totals
-- Every fact ended in exactly one row: nothing counted twice, nothing lost.
SELECT (SELECT sum(_events) FROM "ds_feature_usage_facts")::BIGINT AS facts, (SELECT sum(_events) FROM "ds_feature_usage_assigned_packed")::BIGINT AS assigned;

-- [52] $limit = 20
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

-- [53] no parameters
-- check.sql: drop_file
DROP TABLE check_file;

-- [54] $counts_events = false, $cap = 1000000, $stage_detail = 0, $stage_generalised = 1, $stage_remainder = 2
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
