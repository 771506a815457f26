-- cli-usage-runtime: the events of cli-usage (same filter, same machines) counted by RuntimeID only.
--
-- A member of the cli-usage family (population "cli-usage" in dataset.json): the job protects the family
-- together, so no difference between this table and another of the family reveals a figure under k.
-- The WHERE clause must stay that of cli-usage/query.sql: the family counts the same events.
SELECT
  e.day                                          AS "Timestamp",
  e.machine_id                                   AS machine_id,
  e.runtime_id                                   AS "RuntimeID"
FROM events e
WHERE e.event = 'command'
  AND e.environment = 'production'
