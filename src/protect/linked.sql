-- Differencing protection's statements (linked.ts). A row's id is `<dataset>:<its key as a JSON array>`;
-- $dataset_<n> is the name of the group's n-th dataset, {{row_key}} the JSON array of a dataset's key columns.

-- name: membership_of_dataset
-- (A fragment of inner_cells, one per dataset.) Which machines are counted in which row.
SELECT DISTINCT $dataset_{{n}} || ':' || {{row_key}} AS row_id, machine_id FROM {{assigned}}

-- name: rows_of_dataset
-- (A fragment of vectors, one per dataset.)
SELECT $dataset_{{n}} || ':' || {{row_key}} AS row_id, _value, _published FROM {{rows}}

-- name: inner_cells
-- Inner cells: groups of machines that fall in exactly the same rows (the same signature).
CREATE OR REPLACE TEMP TABLE linked_membership AS
  {{membership}};
CREATE OR REPLACE TEMP TABLE linked_signature AS
  SELECT machine_id, string_agg(row_id, chr(30) ORDER BY row_id) AS signature FROM linked_membership GROUP BY machine_id;
CREATE OR REPLACE TEMP TABLE linked_inner AS
  SELECT signature, (row_number() OVER (ORDER BY signature) - 1)::INTEGER AS inner_index FROM (SELECT DISTINCT signature FROM linked_signature);

-- name: vectors
-- Each row as the list of inner cells it counts.
SELECT r.row_id, list(DISTINCT i.inner_index ORDER BY i.inner_index) AS inner, any_value(r._value)::BIGINT AS value, any_value(r._published) AS published
FROM (
  {{rows}}) r
JOIN linked_membership m USING (row_id) JOIN linked_signature s USING (machine_id) JOIN linked_inner i USING (signature)
GROUP BY r.row_id ORDER BY r.row_id

-- name: count_inner_cells
SELECT count(*)::BIGINT AS n FROM linked_inner

-- name: drop_inner_cells
DROP TABLE linked_membership; DROP TABLE linked_signature; DROP TABLE linked_inner;

-- name: secondary_keys
-- The row keys of one dataset to suppress against differencing, appended after this statement.
CREATE OR REPLACE TEMP TABLE linked_secondary (row_key VARCHAR)

-- name: suppress_secondary
UPDATE {{rows}} SET _published = false, _secondary = true
WHERE {{row_key}} IN (SELECT row_key FROM linked_secondary);
DROP TABLE linked_secondary;
