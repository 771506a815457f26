-- NDJSON lines as candidates (see classify.sql): one row per non-blank line of the files listed in the parameter,
-- with the contract's fields as text and a flag for a field of the wrong JSON type.
--
-- Lines are read whole with a delimiter JSON text cannot hold unescaped, however malformed they are.
-- A line may be 16 MiB; the read buffer is twice that, not DuckDB's default of sixteen times: a week of
-- files read by two threads held 256 MiB blocks enough to run out of the default memory limit.
-- Every field is pulled out with one multi-path json_extract (one parse per line); the type checks then
-- look at the small extracted fragments instead of parsing the whole line again for each field.
-- v[1] timestamp, v[2] machine_id, v[3..12] the string fields, v[13] exit_code, v[14] is_container,
-- v[15] metrics.
WITH lines AS (
  SELECT __telemetry_publisher_path AS path, line
  FROM read_csv({{files}}, columns = {'line': 'VARCHAR'}, header = false, delim = E'\x01', quote = '', escape = '',
                auto_detect = false, filename = '__telemetry_publisher_path', max_line_size = 16777216,
                buffer_size = 33554432)
  WHERE line IS NOT NULL AND trim(line) <> ''
), parsed AS MATERIALIZED (
  SELECT path,
    CASE WHEN json_valid(line) AND starts_with(ltrim(line), '{') THEN json_extract(line, [
      '$.timestamp', '$.machine_id', '$.event', '$.command', '$.os_family', '$.os_version', '$.runtime_id',
      '$.sdk_version', '$.ip_prefix', '$.environment', '$.product', '$.product_version', '$.exit_code',
      '$.is_container', '$.metrics'
    ]) END AS v
  FROM lines
)
SELECT path, v IS NULL AS not_json,
  json_extract_string(v[1], '$') AS timestamp_text, NULL::TIMESTAMPTZ AS timestamp_value,
  json_extract_string(v[1], '$') IS NOT NULL AS timestamp_present,
  json_extract_string(v[2], '$') AS machine_id,
  json_extract_string(v[3], '$') AS event, json_extract_string(v[4], '$') AS command,
  json_extract_string(v[5], '$') AS os_family, json_extract_string(v[6], '$') AS os_version,
  json_extract_string(v[7], '$') AS runtime_id, json_extract_string(v[8], '$') AS sdk_version,
  json_extract_string(v[9], '$') AS ip_prefix, json_extract_string(v[10], '$') AS environment,
  json_extract_string(v[11], '$') AS product, json_extract_string(v[12], '$') AS product_version,
  TRY_CAST(json_extract_string(v[13], '$') AS BIGINT) AS exit_code,
  TRY_CAST(json_extract_string(v[14], '$') AS BOOLEAN) AS is_container,
  CASE WHEN json_type(v[15]) = 'OBJECT' THEN v[15] END AS metrics,
  -- json_type is NULL for an absent field (fine) and 'NULL' for a JSON null (fine as well).
  coalesce(json_type(v[1]) NOT IN ('VARCHAR', 'NULL') OR json_type(v[2]) NOT IN ('VARCHAR', 'NULL')
    OR json_type(v[3]) NOT IN ('VARCHAR', 'NULL') OR json_type(v[4]) NOT IN ('VARCHAR', 'NULL')
    OR json_type(v[5]) NOT IN ('VARCHAR', 'NULL') OR json_type(v[6]) NOT IN ('VARCHAR', 'NULL')
    OR json_type(v[7]) NOT IN ('VARCHAR', 'NULL') OR json_type(v[8]) NOT IN ('VARCHAR', 'NULL')
    OR json_type(v[9]) NOT IN ('VARCHAR', 'NULL') OR json_type(v[10]) NOT IN ('VARCHAR', 'NULL')
    OR json_type(v[11]) NOT IN ('VARCHAR', 'NULL') OR json_type(v[12]) NOT IN ('VARCHAR', 'NULL')
    OR json_type(v[13]) NOT IN ('BIGINT', 'UBIGINT', 'NULL')
    OR json_type(v[14]) NOT IN ('BOOLEAN', 'NULL')
    OR json_type(v[15]) NOT IN ('OBJECT', 'NULL'), false) AS type_error
FROM parsed
