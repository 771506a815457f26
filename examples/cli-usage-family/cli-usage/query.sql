-- cli-usage: .NET-CLI-style command telemetry, one fact per command invocation.
--
-- Reads the job's validated `events` table (one row per archived event) and the lookup `prefix_geo`
-- (country and continent of each truncated IP prefix). Opted-out machines were removed before this runs.
-- Whitelist: only the columns named in dataset.json are ever written; `machine_id` is the privacy unit
-- (used to count distinct machines, never published) and `continent` only feeds the Geography ladder.
-- The IP prefix itself and cwd_hash never leave this query. The job normalises every dimension value
-- (trimmed, Unknown when missing or empty, cleaned for TSV): the query returns them raw.
SELECT
  e.day                                          AS "Timestamp",
  e.machine_id                                   AS machine_id,
  e.command                                      AS "Command",
  g.country                                      AS "Geography",
  coalesce(g.continent, 'Unknown')               AS continent,
  e.os_family                                    AS "OSFamily",
  e.runtime_id                                   AS "RuntimeID",
  e.os_version                                   AS "OSVersion",
  e.sdk_version                                  AS "SDKVersion"
FROM events e
LEFT JOIN prefix_geo g USING (ip_prefix)
WHERE e.event = 'command'
  AND e.environment = 'production'
