-- The copies of a published TSV (formats.ts): Parquet with typed columns, written from the same sorted
-- rows as the TSV, and its read-back check (the gzip copy is checked byte for byte in formats.ts).
-- COPY's options and read_csv's column list are literals: DuckDB takes no parameters there.

-- name: copy_parquet
-- One fixed schema per dataset ({{typed}}: every column cast to its declared type), zstd, fixed row
-- groups; sorted like the TSV so that a rerun writes the same bytes.
COPY (SELECT {{typed}} FROM ({{select}}) ORDER BY {{order}}) TO $path
  (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)

-- name: load_tsv_typed
-- The canonical TSV read back with the same types as the copies.
CREATE OR REPLACE TEMP TABLE copy_check_tsv AS
  SELECT * FROM read_csv($path, delim = E'\t', header = true, quote = '', escape = '',
                         auto_detect = false, columns = {{columns}})

-- name: load_parquet
CREATE OR REPLACE TEMP TABLE copy_check_copy AS SELECT * FROM read_parquet($path)

-- name: parquet_schema
SELECT column_name, column_type FROM (DESCRIBE copy_check_copy)

-- name: compare_copy
-- Same count, and no row of either side missing from the other (duplicates counted).
SELECT
  (SELECT count(*) FROM copy_check_tsv)::BIGINT AS tsv_rows,
  (SELECT count(*) FROM copy_check_copy)::BIGINT AS copy_rows,
  (SELECT count(*) FROM (SELECT * FROM copy_check_tsv EXCEPT ALL SELECT * FROM copy_check_copy))::BIGINT AS only_tsv,
  (SELECT count(*) FROM (SELECT * FROM copy_check_copy EXCEPT ALL SELECT * FROM copy_check_tsv))::BIGINT AS only_copy

-- name: drop_check
DROP TABLE IF EXISTS copy_check_tsv; DROP TABLE IF EXISTS copy_check_copy
