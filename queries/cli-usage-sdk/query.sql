-- cli-usage-sdk: the events of cli-usage (same filter, same machines) counted by SDKVersion and OSFamily only.
--
-- A member of the cli-usage family (population "cli-usage" in dataset.json): the job protects the family
-- together, so no difference between this table and another of the family reveals a figure under k.
-- The WHERE clause must stay that of cli-usage/query.sql: the family counts the same events.
SELECT
  e.day                                          AS "Timestamp",
  e.machine_id                                   AS machine_id,
  e.sdk_version                                  AS "SDKVersion",
  e.os_family                                    AS "OSFamily"
FROM events e
WHERE e.event = 'command'
  AND e.environment = 'production'
