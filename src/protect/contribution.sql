-- The daily contribution bound (contribution.ts): a machine whose facts of one time value (day) hold more
-- than $daily_cap events has each fact scaled to floor(events * $daily_cap / total).

-- name: over_bound
-- The (day, machine) pairs over the bound, with their total.
CREATE OR REPLACE TEMP TABLE {{over}} AS
  SELECT {{time}} AS _time, machine_id, sum(_events) AS _total FROM {{facts}} GROUP BY ALL HAVING sum(_events) > $daily_cap

-- name: count_over
SELECT count(*)::BIGINT AS n FROM {{over}}

-- name: total_events
SELECT sum(_events)::BIGINT AS events FROM {{facts}}

-- name: bounded_machines
-- How many machines the bound touched, and the most it removed from one of them.
SELECT count(*)::BIGINT AS machines, max(removed)::BIGINT AS largest FROM (
  SELECT f.machine_id, sum(f._events - (f._events * $daily_cap) // o._total) AS removed
  FROM {{facts}} f JOIN {{over}} o ON o._time = f.{{time}} AND o.machine_id = f.machine_id
  GROUP BY f.machine_id)

-- name: removed_by_machine
-- What the bound removes from each machine it touches (before the facts are scaled), for a shard to hand on.
CREATE OR REPLACE TEMP TABLE {{removed}} AS
  SELECT f.machine_id::UBIGINT AS machine_id, sum(f._events - (f._events * $daily_cap) // o._total)::BIGINT AS removed
  FROM {{facts}} f JOIN {{over}} o ON o._time = f.{{time}} AND o.machine_id = f.machine_id
  GROUP BY f.machine_id

-- name: no_removed
CREATE OR REPLACE TEMP TABLE {{removed}} (machine_id UBIGINT, removed BIGINT)

-- name: removed_stats
-- The quarter's bound figures from every shard's removed table: a machine's total over all its days.
SELECT sum(removed)::BIGINT AS events, count(*)::BIGINT AS machines, max(removed)::BIGINT AS largest FROM (
  SELECT machine_id, sum(removed) AS removed FROM {{removed}} GROUP BY machine_id)

-- name: scale_facts
UPDATE {{facts}} f SET _events = (f._events * $daily_cap) // o._total
FROM {{over}} o WHERE o._time = f.{{time}} AND o.machine_id = f.machine_id;
DROP TABLE {{over}};

-- name: drop_over
DROP TABLE {{over}}
