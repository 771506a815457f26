-- Parquet rows as candidates (see classify.sql), for the listed files that share one schema of the
-- contract's fields: each fragment is rendered from that schema (parquet.ts), so a file is validated by
-- its own column types, whichever files share its batch.
SELECT __telemetry_publisher_path AS path, false AS not_json,
  {{timestamp_text}} AS timestamp_text, {{timestamp_value}} AS timestamp_value,
  {{timestamp_present}} AS timestamp_present,
  {{string_columns}},
  {{exit_code}} AS exit_code, {{is_container}} AS is_container, {{metrics}} AS metrics,
  {{type_error}} AS type_error
FROM read_parquet({{files}}, union_by_name = true, filename = '__telemetry_publisher_path')
