-- The family protection's statements (family-tables.ts). A row's id is `<dataset>:<its key as a JSON
-- array>`, as in linked.sql; $dataset_<n> is the name of the family's n-th table.

-- name: member_rows
-- Each fact of table {{n}} with the row it ended in. A fact's chain of keys is its labelled key, then
-- that key with each remainder step's dimensions set to Other ($other); the cell stage leaves a fact
-- in the first key of its chain that is a row (remainder steps are nested: family-tables.ts checks).
-- Facts that differ only in columns the table does not publish are one fact here, if they share a row.
CREATE OR REPLACE TEMP TABLE family_member_{{n}} AS
  WITH labelled AS MATERIALIZED (
    SELECT DISTINCT f.machine_id, f.{{time}} AS _time, {{fact_columns}}, [{{chain}}] AS _chain
    FROM {{facts}} f
    {{label_joins}}),
  candidates AS (
    SELECT * EXCLUDE (_chain), _chain::VARCHAR AS _chain_text, unnest(_chain) AS _row_key, unnest(range(len(_chain))) AS _step
    FROM labelled),
  placed AS (
    SELECT * EXCLUDE (_row_key, _step), $dataset_{{n}} || ':' || arg_min(_row_key, _step) AS _row_id
    FROM candidates SEMI JOIN (SELECT {{row_key}} AS _row_key FROM {{rows}}) USING (_row_key)
    GROUP BY ALL)
  SELECT DISTINCT * EXCLUDE (_chain_text) FROM placed

-- name: count_facts
-- Every fact placed, each in one row: the distinct facts of the table, those placed, and those placed twice.
SELECT (SELECT count(*) FROM (SELECT DISTINCT machine_id, {{time}}, {{columns}} FROM {{facts}}))::BIGINT AS facts,
       (SELECT count(*) FROM (SELECT DISTINCT machine_id, _time, {{columns}} FROM family_member_{{n}}))::BIGINT AS placed,
       (SELECT count(*) FROM family_member_{{n}})::BIGINT AS rows

-- name: pairs
-- Every fact of the base table (the one holding every dimension of the family) with its row in each
-- table: the (machine, fact) pairs whose signatures are the family's inner cells.
CREATE OR REPLACE TEMP TABLE family_pairs AS
  SELECT b._time::VARCHAR AS _day, b.machine_id::VARCHAR AS machine, [{{row_ids}}] AS _rows
  FROM family_member_{{base}} b
  {{member_joins}}

-- name: unmatched_pairs
-- A fact of the base table that some other table does not count: the tables do not count the same events.
SELECT count(*)::BIGINT AS n FROM family_pairs WHERE len(list_filter(_rows, x -> x IS NULL)) > 0

-- name: unmatched_facts
-- A fact of table {{n}} that no fact of the base table projects onto.
SELECT count(*)::BIGINT AS n FROM family_member_{{n}} m ANTI JOIN family_member_{{base}} b ON {{on}}

-- name: days
SELECT DISTINCT _day FROM family_pairs ORDER BY _day

-- name: day_pairs
SELECT machine, _rows AS rows FROM family_pairs WHERE _day = $day

-- name: day_rows_of_table
-- (A fragment of day_rows, one per table.)
SELECT $dataset_{{n}} || ':' || {{row_key}} AS id, _value AS value, _published AS published
  FROM {{rows}} WHERE {{time}}::VARCHAR = $day

-- name: day_rows
SELECT id, value::BIGINT AS value, published FROM (
  {{rows}})
ORDER BY id

-- name: drop_family
{{drops}}
