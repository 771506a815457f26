-- cli-usage-geography-os: the events of cli-usage (same filter, same machines) counted by Geography and OSFamily only.
--
-- A member of the cli-usage family (population "cli-usage" in dataset.json): the job protects the family
-- together, so no difference between this table and another of the family reveals a figure under k.
-- The WHERE clause must stay that of cli-usage/query.sql: the family counts the same events.
SELECT
  e.day                                          AS "Timestamp",
  e.machine_id                                   AS machine_id,
  g.country                                      AS "Geography",
  coalesce(g.continent, 'Unknown')               AS continent,
  e.os_family                                    AS "OSFamily"
FROM events e
LEFT JOIN prefix_geo g USING (ip_prefix)
WHERE e.event = 'command'
  AND e.environment = 'production'
