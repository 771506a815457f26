-- The independent check of a written TSV (check.ts): its own queries over the file read back and the
-- record of which machine's events went into which row. {{keys}} are the dataset's key columns (time, then
-- dimensions); $k is the dataset's k; $limit caps the violations listed per rule.

-- name: load_file
-- The file as published: every column text, nothing inferred. The column list is part of the read's
-- options, which take no parameters.
CREATE OR REPLACE TEMP TABLE check_file AS
  SELECT * FROM read_csv($path, delim = E'\t', header = true, quote = '', escape = '',
                         auto_detect = false, columns = {{columns}})

-- name: rows_against_record
-- Every file row must exist in the record, rest on k machines and carry the value the record gives.
-- Counted on the packed key first (integers), then spelled out: a key spelled twice would give a file
-- row two recounts, and any of them wrong or under k is reported.
SELECT f.*, r._machines, r._value AS _recomputed FROM check_file f
LEFT JOIN (
  SELECT {{keys_of_k}}, a._machines, a._value
  FROM (SELECT _key, count(DISTINCT machine_id) AS _machines, {{measure}} AS _value FROM {{packed}} GROUP BY _key) a
  JOIN {{rows}} k USING (_key)) r USING ({{keys}})
WHERE r._machines IS NULL OR r._machines < $k OR r._value::VARCHAR <> f.{{measure_column}}
LIMIT $limit

-- name: duplicate_keys
SELECT {{keys}}, count(*) AS copies FROM check_file GROUP BY ALL HAVING count(*) > 1 LIMIT $limit

-- name: partition_totals
-- Every fact ended in exactly one row: nothing counted twice, nothing lost.
SELECT (SELECT sum(_events) FROM {{facts}})::BIGINT AS facts, (SELECT sum(_events) FROM {{packed}})::BIGINT AS assigned

-- name: identifier_leaks
-- The published cells are few: each is looked up among the identifiers, not the other way round.
-- Machines are held by the hash of their id: a cell whose hash is a machine's is that id. A value some
-- client also sent in a published field (an SDK version 8.0.100 that is also someone's /24) has a
-- legitimate source: equal by coincidence, not a leak.
WITH cells AS (SELECT DISTINCT unnest([{{text_columns}}]) AS cell FROM check_file),
identifiers AS (
  SELECT DISTINCT cell FROM cells WHERE hash(cell) IN (SELECT machine_id FROM events)
  UNION SELECT DISTINCT ip_prefix FROM events WHERE ip_prefix IN (SELECT cell FROM cells)
)
SELECT cell FROM identifiers
WHERE {{not_sent_in_a_published_field}}
LIMIT $limit

-- name: drop_file
DROP TABLE check_file
