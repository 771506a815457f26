-- cli-usage: .NET-CLI-style command telemetry, one fact per command invocation.
--
-- Reads the job's validated `events` table (one row per archived event) and the lookup `prefix_geo`
-- (country and continent of each truncated IP prefix). Opted-out machines were removed before this runs.
-- Whitelist: only the columns named in dataset.json are ever written; `machine_id` is the privacy unit
-- (used to count distinct machines, never published) and `continent` only feeds the Geography ladder.
-- The IP prefix itself and cwd_hash never leave this query.
SELECT
  e.day                                          AS "Timestamp",
  e.machine_id                                   AS machine_id,
  coalesce(nullif(trim(e.command), ''), 'Unknown')     AS "Command",
  coalesce(g.country, 'Unknown')                 AS "Geography",
  coalesce(g.continent, 'Unknown')               AS continent,
  coalesce(nullif(trim(e.os_family), ''), 'Unknown')   AS "OSFamily",
  coalesce(nullif(trim(e.runtime_id), ''), 'Unknown')  AS "RuntimeID",
  coalesce(nullif(trim(e.os_version), ''), 'Unknown')  AS "OSVersion",
  coalesce(nullif(trim(e.sdk_version), ''), 'Unknown') AS "SDKVersion"
FROM events e
LEFT JOIN prefix_geo g USING (ip_prefix)
WHERE e.event = 'command'
  AND e.environment = 'production'
