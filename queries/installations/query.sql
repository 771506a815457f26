-- installations: distinct production installations of the quarter, one fact per installation and product.
--
-- Installations send a snapshot a day (see the EventStoreDB and Octopus seeds); each is counted once,
-- by its latest snapshot of the quarter, and only when that snapshot says production (Sitecore's rule:
-- development and test environments do not describe real use). machine_id is the installation id.
WITH latest AS (
  SELECT *
  FROM events
  WHERE event = 'snapshot' AND product IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY machine_id, product ORDER BY ts DESC, product_version DESC NULLS LAST) = 1
)
SELECT
  (SELECT label FROM release)                                        AS "Quarter",
  machine_id,
  product                                                            AS "Product",
  product_version                                                    AS "ProductVersion",
  os_family                                                          AS "OSFamily",
  CASE coalesce(TRY_CAST(metrics->>'$.is_container' AS BOOLEAN), is_container)
    WHEN true THEN 'yes' WHEN false THEN 'no' ELSE 'Unknown' END    AS "Container",
  CASE TRY_CAST(metrics->>'$.is_kubernetes' AS BOOLEAN)
    WHEN true THEN 'yes' WHEN false THEN 'no' ELSE 'Unknown' END    AS "Kubernetes",
  bucket_cores(TRY_CAST(metrics->>'$.core_count' AS DOUBLE))         AS "Cores",
  bucket_memory_gib(TRY_CAST(metrics->>'$.total_memory' AS DOUBLE) / 1073741824) AS "MemoryGiB"
FROM latest
WHERE environment = 'production'
