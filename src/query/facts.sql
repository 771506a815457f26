-- The query stage's statements (facts.ts). Values are bound parameters ($year, $first_value ...);
-- {{placeholders}} are identifiers and per-dimension lists rendered in facts.ts.

-- name: release_table
-- The published quarter, for dataset queries: `release(year, quarter, label)`.
CREATE OR REPLACE TABLE release AS SELECT $year::INTEGER AS year, $quarter::INTEGER AS quarter, $label::VARCHAR AS label

-- name: query_view
-- The dataset's query.sql as a view. A view cannot hold a bound parameter, and the query has none.
CREATE OR REPLACE TEMP VIEW {{view}} AS {{query}}

-- name: describe_query
DESCRIBE SELECT * FROM {{view}}

-- name: create_facts
-- Empty, with the columns and types of the batches inserted below.
CREATE OR REPLACE {{temporary}}TABLE {{facts}} AS SELECT {{fact_columns}}, 0::BIGINT AS _events FROM {{view}} LIMIT 0

-- name: insert_facts_days
-- One batch of days of a DATE time column: a range on the column's own type, so DuckDB skips the row
-- groups of other days. The days are DATE literals rendered by facts.ts, not parameters: measured on
-- 10M events (runs alternated on one database), bound days made these batches 20-40% slower.
INSERT INTO {{facts}}
  SELECT {{fact_columns}}, count(*)::BIGINT FROM {{view}}
  WHERE {{time}} BETWEEN {{first_day}} AND {{last_day}}
  GROUP BY ALL

-- name: insert_facts_outside_days
-- The last batch of a DATE time column: rows without a time (refused just after) and days outside the
-- quarter (literals, as above).
INSERT INTO {{facts}}
  SELECT {{fact_columns}}, count(*)::BIGINT FROM {{view}}
  WHERE {{time}} IS NULL OR {{time}} NOT BETWEEN {{quarter_first_day}} AND {{quarter_last_day}}
  GROUP BY ALL

-- name: time_values
-- A time column of another type (a quarter's label) is cut along its distinct values.
SELECT DISTINCT {{time}} AS v, v::VARCHAR AS text, typeof(v) AS type FROM {{view}} WHERE v IS NOT NULL ORDER BY v

-- name: insert_facts_values
INSERT INTO {{facts}}
  SELECT {{fact_columns}}, count(*)::BIGINT FROM {{view}}
  WHERE {{time}} BETWEEN CAST($first_value AS {{time_type}}) AND CAST($last_value AS {{time_type}})
  GROUP BY ALL

-- name: insert_facts_untimed
INSERT INTO {{facts}}
  SELECT {{fact_columns}}, count(*)::BIGINT FROM {{view}}
  WHERE {{time}} IS NULL
  GROUP BY ALL

-- name: count_untimed
SELECT count(*)::BIGINT AS n FROM {{facts}} WHERE {{time}} IS NULL

-- name: unclean_values
-- Every dimension's distinct values in one scan: one grouping set per column, in which the other columns
-- are NULL (facts never hold a NULL dimension); the set's GROUPING_ID says which column a value is of.
-- Only the values that normalise to another text come back.
SELECT position, raw, {{clean_raw}} AS clean FROM (
  SELECT CASE GROUPING_ID({{dimension_columns}})
           {{position_of_grouping_id}}
         END AS position,
         coalesce({{dimension_columns}}) AS raw
  FROM {{facts}} GROUP BY GROUPING SETS ({{grouping_sets}}))
WHERE clean <> raw

-- name: regroup_cleaned
-- The facts holding a value that changes, or the value it changes to, are normalised and regrouped, so
-- facts stay distinct over their columns. $touched_<n> lists the raw and clean values of dimension n.
CREATE OR REPLACE TEMP TABLE _cleaned AS
  SELECT * EXCLUDE (_events) REPLACE ({{cleaned_columns}}), sum(_events)::BIGINT AS _events
  FROM {{facts}} WHERE {{touched}} GROUP BY ALL;
DELETE FROM {{facts}} WHERE {{touched}};
INSERT INTO {{facts}} BY NAME SELECT * FROM _cleaned;
DROP TABLE _cleaned;
