-- A revision's check (revise.ts): the quarter as first published (`old`) against it as now (`new`), two
-- attached database files. {{keys}} are the dataset's key columns (time, then dimensions); {{contribution}}
-- of an events count is what a machine adds to a row's value: its capped events (least(x, $cap)) or its
-- presence (sign(x)).

-- name: attach_builds
-- File names are literals: ATTACH takes no parameters.
ATTACH {{old_database}} AS old (READ_ONLY); ATTACH {{new_database}} AS new (READ_ONLY);

-- name: changed_rows
-- Every published row that appears, disappears or changes value, with the machines whose contribution
-- to it differs.
WITH changed AS (
  SELECT {{keys}} FROM (
    (SELECT {{keys}}, _value FROM old.{{rows}} WHERE _published EXCEPT SELECT {{keys}}, _value FROM new.{{rows}} WHERE _published)
    UNION
    (SELECT {{keys}}, _value FROM new.{{rows}} WHERE _published EXCEPT SELECT {{keys}}, _value FROM old.{{rows}} WHERE _published)
  ) GROUP BY ALL
), contributions AS (
  SELECT coalesce(o.machine_id, n.machine_id) AS machine_id, {{coalesced_keys}},
         coalesce(o._events, 0) AS old_events, coalesce(n._events, 0) AS new_events
  FROM old.{{assigned}} o FULL JOIN new.{{assigned}} n USING (machine_id, {{keys}})
)
SELECT json_array({{keys_of_c}})::VARCHAR AS row_key, c.{{time}}::VARCHAR AS day,
       count(DISTINCT d.machine_id) FILTER (WHERE {{contribution_old_d}} <> {{contribution_new_d}})::BIGINT AS machines
FROM changed c LEFT JOIN contributions d USING ({{keys}})
GROUP BY ALL ORDER BY row_key

-- name: changed_release_figures
-- Whole-release figures: the report publishes the suppressed total and the events the cap removed, and a
-- row can change only because labels moved; each is a difference too.
WITH old_facts AS (SELECT machine_id, {{keys}}, sum(_events) AS e FROM old.{{facts}} GROUP BY ALL),
new_facts AS (SELECT machine_id, {{keys}}, sum(_events) AS e FROM new.{{facts}} GROUP BY ALL),
unpublished AS (
  SELECT {{keys}} FROM old.{{rows}} WHERE NOT _published
  UNION SELECT {{keys}} FROM new.{{rows}} WHERE NOT _published
), contributions AS (
  SELECT coalesce(o.machine_id, n.machine_id) AS machine_id, {{coalesced_keys}},
         coalesce(o._events, 0) AS old_events, coalesce(n._events, 0) AS new_events
  FROM old.{{assigned}} o FULL JOIN new.{{assigned}} n USING (machine_id, {{keys}})
)
SELECT
  (SELECT count(DISTINCT coalesce(o.machine_id, n.machine_id)) FROM old_facts o FULL JOIN new_facts n USING (machine_id, {{keys}})
    WHERE o.e IS DISTINCT FROM n.e)::BIGINT AS late,
  (SELECT count(DISTINCT machine_id) FROM contributions SEMI JOIN unpublished USING ({{keys}})
    WHERE {{contribution_old}} <> {{contribution_new}})::BIGINT AS suppressed,
  (SELECT count(DISTINCT machine_id) FROM contributions
    WHERE old_events - {{contribution_old}} <> new_events - {{contribution_new}})::BIGINT AS capped
