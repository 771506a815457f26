-- Validates candidates (one row per line or row, the fields as read: ndjson-candidates.sql,
-- parquet-candidates.sql) with one set of rules for every format, in the same pass that stores them in
-- `archive_rows`.
--
-- The UTC day an event must fall on is its folder's (`archive_files.day_start` up to `day_end`):
-- comparing instants is 10x cheaper than converting every timestamp to a calendar date.
--
-- A timestamp is an instant with an explicit zone: `YYYY-MM-DDThh:mm:ss[.fraction]` (a space instead of
-- `T` is allowed) then `Z` or an offset `+hh:mm` (`+hhmm`, `+hh`). A date alone, a time without a zone or
-- a named zone is `invalid_timestamp`. Parquet TIMESTAMP WITH TIME ZONE arrives as `timestamp_value`.
INSERT INTO archive_rows
WITH c AS (
  SELECT f.file, f.day AS folder_day, f.day_start, f.day_end, c.*
  FROM ({{candidates}}) AS c JOIN archive_files AS f USING (path)
), t AS (
  SELECT *, coalesce(timestamp_value, CASE
    WHEN regexp_full_match(timestamp_text,
      '\d{4}-\d\d-\d\d[T ]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3])(:?[0-5]\d)?)')
    THEN TRY_CAST(timestamp_text AS TIMESTAMPTZ) END) AS ts
  FROM c
), classified AS (
  SELECT *, CASE
    WHEN not_json THEN 'not_json'
    WHEN type_error THEN 'wrong_type'
    WHEN NOT timestamp_present THEN 'missing_timestamp'
    WHEN ts IS NULL THEN 'invalid_timestamp'
    WHEN NOT (ts >= day_start AND ts < day_end) THEN 'timestamp_outside_day'
    -- `trim(machine_id) = ''` without trimming every id (0.2 us each, 2 s on 10M events): an id whose first
    -- character is printable ASCII other than a space cannot trim to nothing.
    WHEN machine_id IS NULL
      OR CASE WHEN unicode(machine_id) BETWEEN 33 AND 126 THEN false ELSE trim(machine_id) = '' END
      THEN 'missing_machine_id'
    WHEN coalesce(event, 'command') NOT IN ('command', 'snapshot') THEN 'unknown_event'
  END AS reason
  FROM t
)
SELECT file, reason, folder_day, ts, CASE WHEN reason IS NULL THEN hash(machine_id) END, event, command,
       exit_code, os_family, os_version, runtime_id, sdk_version, ip_prefix, environment, is_container, product,
       product_version, metrics
FROM classified
