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

-- name: member_rows
-- Each fact of table {{n}} with the row it ended in. A fact's chain of keys is its labelled key (packed
-- as the cell stage packs it), then that key with each remainder step's dimensions cleared to Other
-- (code 0, the step's mask); the cell stage leaves a fact in the first key of its chain that is a row
-- (remainder steps are nested: family-tables.ts checks). On integer keys: text keys made this the
-- family's costliest statement. Facts that differ only in columns the table does not publish are one
-- fact here, if they share a row. A fact without a label or a row stays, with no `_rid`, for
-- count_facts to find. Only the days of one batch (from $from, before $until): days never mix, and the
-- facts of a quarter would not fit in memory.
CREATE OR REPLACE TEMP TABLE family_member_{{n}} AS
  WITH labelled AS MATERIALIZED (
    SELECT DISTINCT f.machine_id, f.{{time}} AS _time, {{fact_columns}}, {{packed_key}} AS _key0
    FROM {{facts}} f
    JOIN {{time_codes}} t ON t._value = f.{{time}}
    {{label_joins}}
    WHERE t._text >= $from AND t._text < $until),
  placed AS (
    SELECT * EXCLUDE (_key0), CASE {{first_row}} END AS _key FROM labelled)
  SELECT p.* EXCLUDE (_key), r._rid
  FROM placed p LEFT JOIN family_rows r ON r._n = {{n}} AND r._key = p._key

-- name: count_facts
-- Every fact placed, each in one row: the batch's distinct facts of the table, those placed, and their
-- placements (a fact in two rows counts twice there).
SELECT count(*)::BIGINT AS facts, count(*) FILTER (WHERE _placements > 0)::BIGINT AS placed,
       coalesce(sum(_placements), 0)::BIGINT AS rows
  FROM (SELECT count(_rid) AS _placements FROM family_member_{{n}} GROUP BY machine_id, _time, {{columns}})

-- name: pairs
-- Every fact of the base table (the one holding every dimension of the family) with its row in each
-- table: the (machine, fact) pairs. Pairs with the same rows in every table (the same signature) form
-- an inner cell; `_idx` numbers a day's inner cells in signature order. The rows are also columns
-- (`_r1` ...: grouping on a column is faster than on a list element).
CREATE OR REPLACE TEMP TABLE family_pairs AS
  SELECT _day, machine_id, _rows, {{row_columns}}, (dense_rank() OVER (PARTITION BY _day ORDER BY _rows) - 1)::INTEGER AS _idx
  FROM (
    SELECT b._time::VARCHAR AS _day, b.machine_id, [{{row_ids}}] AS _rows
    FROM family_member_{{base}} b
    {{member_joins}})

-- name: unmatched_pairs
-- A fact of the base table that some other table does not count: the tables do not count the same events.
SELECT count(*)::BIGINT AS n FROM family_pairs WHERE len(list_filter(_rows, x -> x IS NULL)) > 0

-- name: unmatched_facts
-- A fact of table {{n}} that no fact of the base table projects onto.
SELECT count(*)::BIGINT AS n FROM family_member_{{n}} m ANTI JOIN family_member_{{base}} b ON {{on}}

-- name: signatures
-- The batch's inner cells: each day's signatures (the rows of a pair in every table) with their number.
CREATE OR REPLACE TEMP TABLE family_cells AS
  SELECT DISTINCT * EXCLUDE (machine_id) FROM family_pairs

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

-- name: protected_inner
-- (A fragment of protected.) Inner cells resting on fewer than $k machines.
SELECT _day, 'inner' AS kind, _rows AS figure_rows, [_idx] AS cells
  FROM family_pairs GROUP BY _day, _idx, _rows HAVING count(DISTINCT machine_id) < $k

-- name: protected_intersection
-- (A fragment of protected.) The events of a row of table {{a}} inside a row of table {{b}}, where they
-- rest on fewer than $k machines, with the inner cells they hold. Distinct machines are counted as
-- distinct (rows, machine) pairs (faster than count(DISTINCT) per group); a row belongs to one day, so
-- its id alone groups. An intersection of one inner cell is that cell, already a figure: left out.
SELECT any_value(c._day) AS _day, 'intersection' AS kind, [i._a, i._b] AS figure_rows,
       list(c._idx ORDER BY c._idx) AS cells
  FROM (SELECT _a, _b
        FROM (SELECT DISTINCT _r{{a}} AS _a, _r{{b}} AS _b, machine_id FROM family_pairs)
        GROUP BY ALL HAVING count(*) < $k) i
  JOIN family_cells c ON c._r{{a}} = i._a AND c._r{{b}} = i._b
  GROUP BY i._a, i._b
  HAVING count(*) > 1

-- name: protected
-- Every figure under k a difference could aim at, by day: each inner cell and each pairwise
-- intersection of rows of two tables. Figures are named by the rows they intersect, never by a count.
CREATE OR REPLACE TEMP TABLE family_protected AS
  SELECT * FROM (
  {{figures}})
  ORDER BY _day

-- name: days
SELECT DISTINCT _day FROM family_rows ORDER BY _day

-- name: day_vectors
SELECT _rid, id, value, published, cells FROM family_vectors WHERE _day = $day ORDER BY _rid

-- name: day_protected
SELECT kind, figure_rows, cells FROM family_protected WHERE _day = $day

-- name: drop_family
{{drops}}
