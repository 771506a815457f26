-- The cell stage's statements (cells.ts). A row's key is one integer ({{key_type}}: BIGINT while the
-- fields fit in 63 bits, HUGEINT beyond): each field's code in its own bit range, code 0 meaning "Other".
-- $shift_<field> is where a field's bits start and $field_mask_<field> the mask of its width; fields are
-- `time` and the dimensions by position (0 = the dataset's first dimension), each named in a comment.
-- Stages: $stage_detail (full detail), $stage_generalised (a ladder label), $stage_remainder (rolled up).

-- name: time_codes
-- Every value of the time column gets a code in its order: batches are ranges of codes.
CREATE OR REPLACE TEMP TABLE {{time_codes}} AS
  SELECT (row_number() OVER (ORDER BY _value) - 1)::BIGINT AS _code, _value, _value::VARCHAR AS _text
  FROM (SELECT DISTINCT {{time}} AS _value FROM {{facts}});

-- name: label_codes
-- Every label of a dimension gets a code: 0 for "Other", 1... for the others in order. A label several
-- values share (`_shared`) is where facts can meet in one pair.
CREATE OR REPLACE TEMP TABLE {{codes}} AS
  SELECT 0::BIGINT AS _code, $other::VARCHAR AS _text
  UNION ALL SELECT row_number() OVER (ORDER BY _label)::BIGINT, _label FROM (SELECT DISTINCT _label FROM {{label}} WHERE _label <> $other);
CREATE OR REPLACE TEMP TABLE {{label}} AS
  SELECT l.*, c._code, count(*) OVER (PARTITION BY c._code) > 1 AS _shared FROM {{label}} l JOIN {{codes}} c ON c._text = l._label;

-- name: largest_code
SELECT max(_code)::BIGINT AS n FROM {{codes}}

-- name: cell_tables
-- The packed record (which machine's events went into which row, by key), the rows, and the record with
-- the row's key spelled out. {{temporary}} keeps the record out of the database file unless a revision
-- will ATTACH it. Table definitions take no parameters.
CREATE OR REPLACE {{temporary}}TABLE {{packed}} (_key {{key_type}}, machine_id UBIGINT, _events BIGINT, _stage TINYINT);
CREATE OR REPLACE {{temporary}}TABLE {{rows}} ({{key_column_types}}, _key {{key_type}}, _value BIGINT, _machines BIGINT, _raw_events BIGINT, _stage INTEGER, _published BOOLEAN, _secondary BOOLEAN DEFAULT false);
CREATE OR REPLACE {{temporary}}VIEW {{assigned}} AS
  SELECT {{key_columns_of_rows}}, a.machine_id, a._events, a._stage::INTEGER AS _stage
  FROM {{packed}} a JOIN {{rows}} r USING (_key);

-- name: count_time_codes
SELECT count(*)::BIGINT AS n FROM {{time_codes}}

-- name: fact_time_codes
-- The first and last codes of the time values the facts hold: a shard's facts hold some days of the quarter.
SELECT min(_code)::BIGINT AS first, max(_code)::BIGINT AS last
FROM {{time_codes}} WHERE _value IN (SELECT DISTINCT {{time}} FROM {{facts}})

-- name: batch_pairs
-- One batch of time codes ($first_code .. $last_code), from facts to every (key, machine) pair in its final
-- row. `labelled`: the facts with their quarter-wide labels as one key. `pairs0`: facts can share a pair
-- only through a label several values share, so only those are grouped (grouping all of them was a third
-- of the cell stage). Then the remainder steps, and `settled`: every pair of every step that stopped
-- moving; `merged`: the keys kept at one step that received pairs again at a later one, regrouped here.
INSERT INTO {{packed}}
  WITH labelled AS MATERIALIZED (
    SELECT {{packed_key}} AS _key, f.machine_id, f._events,
           (CASE WHEN {{generalised}} THEN $stage_generalised ELSE $stage_detail END)::TINYINT AS _stage,
           {{shared}} AS _shared
    FROM {{facts}} f
    JOIN {{time_codes}} t ON t._value = f.{{time}}
    {{label_joins}}
    WHERE t._code BETWEEN $first_code AND $last_code),
  pairs0 AS MATERIALIZED (
    SELECT _key, machine_id, _events, _stage FROM labelled WHERE NOT _shared
    UNION ALL
    SELECT _key, machine_id, sum(_events)::BIGINT, max(_stage)::TINYINT FROM labelled WHERE _shared GROUP BY _key, machine_id),
  {{remainder_steps}},
  settled AS (
    {{settled}}),
  merged AS MATERIALIZED (
    {{merged}})
  SELECT _key, machine_id, _events, _stage FROM settled WHERE _key NOT IN (SELECT _key FROM merged)
  UNION ALL
  SELECT _key, machine_id, sum(_events)::BIGINT, max(_stage)::TINYINT FROM settled WHERE _key IN (SELECT _key FROM merged) GROUP BY ALL;

-- name: remainder_step
-- A remainder step's CTEs (a fragment of batch_pairs). counted{{step}}: the machines of each key among the
-- pairs still moving; a key with k of them, or one an earlier step kept ({{merges}}), keeps its pairs for
-- good (kept{{step}}). The others' pairs get the step's fields cleared to "Other" and merge by key as
-- pairs{{next}}: {{rolled}}.
counted{{step}} AS MATERIALIZED (
    SELECT _key, count(*) >= $k AS _enough, {{merges}} AS _merges FROM pairs{{step}} GROUP BY _key),
  kept{{step}} AS MATERIALIZED (
    {{kept_before}}SELECT _key FROM counted{{step}} WHERE _enough AND NOT _merges),
  pairs{{next}} AS MATERIALIZED (
    SELECT _key & {{mask}} AS _key, machine_id, sum(_events)::BIGINT AS _events, $stage_remainder::TINYINT AS _stage
    FROM pairs{{step}} SEMI JOIN (SELECT _key FROM counted{{step}} WHERE NOT (_enough OR _merges)) USING (_key)
    GROUP BY ALL)

-- name: last_count
-- After the last remainder step: what is still under k stays where it is, to be suppressed.
counted{{step}} AS MATERIALIZED (
    SELECT _key, count(*) >= $k AS _enough, {{merges}} AS _merges FROM pairs{{step}} GROUP BY _key)

-- name: batch_rows
-- The batch's rows from its pairs, found by their key range ($low_key .. $high_key: time takes the top
-- bits and batches are inserted in order), each key's fields decoded back to text.
INSERT INTO {{rows}}
  SELECT {{field_texts}}, r.*, false
  FROM (SELECT _key, {{measure}}::BIGINT AS _value, count(*)::BIGINT AS _machines, sum(_events)::BIGINT AS _raw_events,
               max(_stage)::INTEGER AS _stage, count(*) >= $k AS _published
        FROM {{packed}} WHERE _key BETWEEN $low_key::{{key_type}} AND $high_key::{{key_type}} GROUP BY _key) r
  {{decode_joins}};

-- name: remainder_order
-- What each dimension keeps when it is rolled first (remainderOrder in cells.ts), over one batch of time
-- codes ($first_code .. $last_code; rows never span two times, so the quarter's figure is the sum over
-- batches, and memory stays that of one batch): `pairs` is every (key, machine) pair at full labels with its measure,
-- `cells` its rows, `under` those under k. Rolling dimension d alone turns an under-k row into a published
-- one when its key with d cleared to "Other" ($mask_<d>) is a row already kept, or gathers k machines
-- among the under-k rows' pairs. Per dimension: the measure of the rows it so publishes with every other label exact.
WITH labelled AS MATERIALIZED (
    SELECT {{packed_key}} AS _key, f.machine_id, f._events
    FROM {{facts}} f
    JOIN {{time_codes}} t ON t._value = f.{{time}}
    {{label_joins}}
    WHERE t._code BETWEEN $first_code AND $last_code),
  pairs AS MATERIALIZED (
    SELECT _key, machine_id, sum(_events)::BIGINT AS _events FROM labelled GROUP BY _key, machine_id),
  cells AS MATERIALIZED (
    SELECT _key, count(*) AS _machines, {{measure}}::BIGINT AS _value FROM pairs GROUP BY _key),
  under AS MATERIALIZED (
    SELECT _key, _value FROM cells WHERE _machines < $k),
  under_pairs AS MATERIALIZED (
    SELECT _key, machine_id FROM pairs SEMI JOIN under USING (_key))
  {{kept_per_dimension}}
ORDER BY _dimension

-- name: kept_if_rolled_first
-- One dimension's part of remainder_order: {{column}}.
SELECT $name_{{index}}::VARCHAR AS _dimension, coalesce(sum(u._value), 0)::BIGINT AS _kept
  FROM under u
  WHERE (u._key & $mask_{{index}}::{{key_type}}) IN (
    SELECT _key FROM cells WHERE _machines >= $k AND _key = _key & $mask_{{index}}::{{key_type}}
    UNION ALL
    SELECT _key & $mask_{{index}}::{{key_type}} FROM under_pairs GROUP BY 1 HAVING count(DISTINCT machine_id) >= $k)
