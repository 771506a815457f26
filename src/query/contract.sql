-- The query contract's checks (contract.ts).

-- name: archive_machines
-- The distinct machine ids (hashes) of the usable events, once per run.
CREATE OR REPLACE TEMP TABLE {{archive_machines}} AS SELECT DISTINCT machine_id FROM events

-- name: foreign_machines
-- Machine ids of the facts that are no machine of the archive.
SELECT count(*)::BIGINT AS n FROM (SELECT DISTINCT machine_id FROM {{facts}}) ANTI JOIN {{archive_machines}} USING (machine_id)
