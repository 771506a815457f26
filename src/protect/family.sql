-- The family protection's statements (family-tables.ts). A row's id is `<dataset>:<its key as a JSON
-- array>`, as in linked.sql; $dataset_<n> is the name of the family's n-th table. Inside the family a
-- row is also known by `_rid`, a dense integer, so the (machine, fact) pairs stay narrow at 10M events.

-- name: row_of_table
-- (A fragment of row_ids, one per table.) `_key` is the row's packed key in its table (cells.sql).
SELECT {{n}} AS _n, _key::HUGEINT AS _key, $dataset_{{n}} || ':' || {{row_key}} AS _row_id, {{time}}::VARCHAR AS _day,
       _value AS value, _published AS published
  FROM {{rows}}

-- name: row_ids
-- Every row of the family, with its integer id.
CREATE OR REPLACE TEMP TABLE family_rows AS
  SELECT *, (row_number() OVER (ORDER BY _row_id) - 1)::INTEGER AS _rid FROM (
  {{rows}});

-- name: base_facts
-- The batch's facts of the base table (the one holding every dimension of the family), by machine, day
-- and the family's dimensions: the family's finest (machine, fact) pairs. Only the days of one batch
-- (from $from, before $until; {{batch_days}} says it again as constants, which let the scan skip the
-- other days' row groups): days never mix, and a quarter's would not fit in memory.
CREATE OR REPLACE TEMP TABLE family_base AS
  SELECT DISTINCT f.machine_id, f.{{time}} AS _time, {{fact_columns}}
  FROM {{facts}} f
  JOIN {{time_codes}} t ON t._value = f.{{time}}
  WHERE t._text >= $from AND t._text < $until AND {{batch_days}}

-- name: base_combinations
-- The distinct values of the base facts, without the machine: what each table's rows are looked up for.
CREATE OR REPLACE TEMP TABLE family_combinations AS
  SELECT DISTINCT _time, {{columns}} FROM family_base

-- name: place_rows
-- Each value combination of table {{n}} among the batch's facts with the row its facts ended in. A fact's
-- row depends on its values only: its chain of keys is its labelled key (packed as the cell stage packs
-- it), then that key with each remainder step's dimensions cleared to Other (code 0, the step's mask),
-- and the cell stage leaves it in the first key of its chain that is a row (remainder steps are nested:
-- family-tables.ts checks). So the rows are found once per combination, not once per machine. A
-- combination without a label or a row stays, with no `_rid`, for count_placed to find.
CREATE OR REPLACE TEMP TABLE family_place_{{n}} AS
  WITH labelled AS MATERIALIZED (
    SELECT f._time, {{fact_columns}}, {{packed_key}} AS _key0
    FROM (SELECT DISTINCT _time, {{columns}} FROM family_combinations) f
    LEFT JOIN {{time_codes}} t ON t._value = f._time
    {{label_joins}}),
  placed AS (
    SELECT * EXCLUDE (_key0), CASE {{first_row}} END AS _key FROM labelled)
  SELECT p.* EXCLUDE (_key), r._rid
  FROM placed p LEFT JOIN family_rows r ON r._n = {{n}} AND r._key = p._key

-- name: count_placed
-- Every combination placed, each in one row: the combinations, those placed, and their placements (a
-- combination in two rows counts twice there).
SELECT count(*)::BIGINT AS facts, count(*) FILTER (WHERE _placements > 0)::BIGINT AS placed,
       coalesce(sum(_placements), 0)::BIGINT AS rows
  FROM (SELECT count(_rid) AS _placements FROM family_place_{{n}} GROUP BY _time, {{columns}})

-- name: unmatched_facts
-- The facts of table {{n}} that are not the projection of a base fact onto its dimensions, and the
-- projections that are not facts of table {{n}}: zero when the tables count the same events. (Events,
-- not only facts, could differ: the daily contribution bound scales each table's facts on its own.)
-- One grouping of both sides, each key marked with the sides it is on: the same count as a FULL JOIN
-- of the two sides made distinct, for one hash table instead of three.
SELECT count(*)::BIGINT AS n
  FROM (
    SELECT bool_or(_in_base) AS _in_base, bool_or(NOT _in_base) AS _in_table
    FROM (
      SELECT machine_id, _time, {{columns}}, true AS _in_base FROM family_base
      UNION ALL
      SELECT f.machine_id, f.{{time}} AS _time, {{fact_columns}}, false AS _in_base
      FROM {{facts}} f
      JOIN {{time_codes}} t ON t._value = f.{{time}}
      WHERE t._text >= $from AND t._text < $until AND {{batch_days}})
    GROUP BY machine_id, _time, {{columns}})
  WHERE NOT (_in_base AND _in_table)

-- name: pairs
-- Every (machine, fact) pair of the batch with its row in each table (`_r1` ...); pairs of one machine
-- with the same rows in every table (the same signature) are one. Pairs with the same signature form
-- an inner cell; `_idx` numbers a day's inner cells in signature order. The rows are columns only, not
-- also a list: the table is the family step's largest, and a list column made it half again as wide.
CREATE OR REPLACE TEMP TABLE family_pairs AS
  WITH signed AS (
    SELECT c.*, {{row_ids}}
    FROM family_combinations c
    {{place_joins}})
  SELECT _day, machine_id, {{row_order}}, (dense_rank() OVER (PARTITION BY _day ORDER BY {{row_order}}) - 1)::INTEGER AS _idx
  FROM (
    SELECT DISTINCT b._time::VARCHAR AS _day, b.machine_id, {{signed_rows}}
    FROM family_base b JOIN signed s USING (_time, {{columns}}))

-- name: signatures
-- The batch's inner cells: each day's signatures (the rows of a pair in every table, also as a list)
-- with their number and their machines (a pair is one machine's, once per signature).
CREATE OR REPLACE TEMP TABLE family_cells AS
  SELECT _day, _idx, [{{row_order}}] AS _rows, {{row_order}}, _machines FROM (
    SELECT _day, _idx, {{row_columns}}, count(*)::BIGINT AS _machines
    FROM family_pairs GROUP BY _day, _idx)

-- name: vectors
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
  ORDER BY r._day, r._rid

-- name: small_pairs
-- The pairs of the inner cells under $k machines: an intersection can be under k only when each of its
-- cells is (protected_intersection), so these are the only pairs its machines are counted from, and
-- far fewer than all (each intersection of two tables scanned every pair before).
CREATE OR REPLACE TEMP TABLE family_small_pairs AS
  SELECT p.* FROM family_pairs p
  JOIN (SELECT _day, _idx FROM family_cells WHERE _machines < $k) c USING (_day, _idx)

-- name: protected_inner
-- (A fragment of protected.) Inner cells resting on fewer than $k machines.
SELECT _day, 'inner' AS kind, _rows AS figure_rows, [_idx] AS cells FROM family_cells WHERE _machines < $k

-- name: protected_intersection
-- (A fragment of protected.) The events of a row of table {{a}} inside a row of table {{b}}, where they
-- rest on fewer than $k machines, with the inner cells they hold. An intersection's machines are the
-- union of its inner cells' machines: at least the most of one cell's and at most their sum. So only
-- intersections whose cells are each under k can be under k, and only those whose sum reaches k are
-- counted machine by machine; the cells are listed for those found, not for every intersection. A row
-- belongs to one day, so its id alone groups. An intersection of one inner cell is that cell, already a
-- figure: left out.
SELECT * FROM (
  WITH candidates AS (
    SELECT _r{{a}} AS _a, _r{{b}} AS _b, sum(_machines) AS _most
    FROM family_cells GROUP BY _r{{a}}, _r{{b}}
    HAVING count(*) > 1 AND max(_machines) < $k),
  found AS (
    SELECT _a, _b FROM candidates WHERE _most < $k
    UNION ALL
    SELECT p._r{{a}}, p._r{{b}}
    FROM family_small_pairs p JOIN candidates c ON p._r{{a}} = c._a AND p._r{{b}} = c._b AND c._most >= $k
    GROUP BY p._r{{a}}, p._r{{b}} HAVING count(DISTINCT p.machine_id) < $k)
  SELECT any_value(c._day) AS _day, 'intersection' AS kind, [f._a, f._b] AS figure_rows,
         list(c._idx ORDER BY c._idx) AS cells
  FROM found f JOIN family_cells c ON c._r{{a}} = f._a AND c._r{{b}} = f._b
  GROUP BY f._a, f._b)

-- name: protected
-- Every figure under k a difference could aim at, by day: each inner cell and each pairwise
-- intersection of rows of two tables. Figures are named by the rows they intersect, never by a count.
CREATE OR REPLACE TEMP TABLE family_protected AS
  SELECT * FROM (
  {{figures}})
  ORDER BY _day

-- name: time_type
SELECT typeof(_value) AS type FROM {{time_codes}} LIMIT 1

-- name: days
SELECT DISTINCT _day FROM family_rows ORDER BY _day

-- name: day_vectors
SELECT _rid, id, value, published, cells FROM family_vectors WHERE _day = $day ORDER BY _rid

-- name: day_protected
SELECT kind, figure_rows, cells FROM family_protected WHERE _day = $day

-- name: drop_family
{{drops}}
