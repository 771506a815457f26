-- The published TSV (tsv.ts): UTF-8 without BOM, LF line ends, one header row, tab-separated, never
-- quoted, NULL as empty. $path is the file written.

-- name: copy_tsv
-- The rows sorted so that a rerun over the same archive writes the same bytes. COPY's options are
-- literals: DuckDB takes no parameters there.
COPY (SELECT * FROM ({{select}}) ORDER BY {{order}}) TO $path
  (FORMAT csv, DELIMITER E'\t', HEADER true, QUOTE '', ESCAPE '', NULLSTR '')

-- name: published_rows
-- A dataset's published rows, columns in the dataset's order, the measure named as published.
SELECT {{columns}} FROM {{rows}} WHERE _published

-- name: count_published
SELECT count(*)::BIGINT AS n FROM {{rows}} WHERE _published
