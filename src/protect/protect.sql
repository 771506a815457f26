-- The protect stage's statistics (protect.ts), for the privacy report and the run summary.
-- $cap is the dataset's contribution cap; $counts_events whether its rows count events (or machines).

-- name: protection_stats
SELECT
  (SELECT sum(_events) FROM {{facts}})::BIGINT AS events,
  sum(_raw_events - _value) FILTER (WHERE $counts_events)::BIGINT AS removed,
  count(*) FILTER (WHERE _published)::BIGINT AS rows_published,
  count(*) FILTER (WHERE NOT _published)::BIGINT AS rows_suppressed,
  count(*) FILTER (WHERE _secondary)::BIGINT AS rows_secondary,
  coalesce(sum(_value) FILTER (WHERE _published AND _stage = $stage_detail), 0)::BIGINT AS detail,
  coalesce(sum(_value) FILTER (WHERE _published AND _stage = $stage_generalised), 0)::BIGINT AS generalised,
  coalesce(sum(_value) FILTER (WHERE _published AND _stage = $stage_remainder), 0)::BIGINT AS remainder,
  coalesce(sum(_value) FILTER (WHERE NOT _published), 0)::BIGINT AS suppressed,
  coalesce(sum(_value) FILTER (WHERE _secondary), 0)::BIGINT AS secondary,
  min(_machines) FILTER (WHERE _published)::BIGINT AS min_machines,
  median(_machines) FILTER (WHERE _published)::DOUBLE AS median_machines,
  (SELECT count(DISTINCT machine_id) FROM {{packed}} WHERE _key IN (SELECT _key FROM {{rows}} WHERE NOT _published))::BIGINT AS suppressed_machines,
  (SELECT count(DISTINCT machine_id) FROM {{packed}} WHERE _events > $cap)::BIGINT AS capped_machines,
  (SELECT max(removed) FROM (SELECT sum(_events - least(_events, $cap::BIGINT)) AS removed FROM {{packed}} GROUP BY machine_id))::BIGINT AS largest_removed
FROM {{rows}}
