-- feature-usage: for each product and feature flag or counter, how many production installations report
-- each value, one fact per installation, product and feature.
--
-- Same population as `installations` (latest snapshot of the quarter, production only): the two
-- datasets are protected together against differencing. Flags publish yes/no; counters publish the
-- count buckets of dataset.json (0, 1, 2-5, 6-20, 21-100, 101+). Machine size (cores, memory, disk,
-- container, Kubernetes) is not a feature: `installations` publishes it, bucketed for what it is.
WITH latest AS (
  SELECT *
  FROM events
  WHERE event = 'snapshot' AND product IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY machine_id, product ORDER BY ts DESC, product_version DESC NULLS LAST) = 1
), features AS (
  SELECT l.machine_id, l.product, f.key AS feature, f.value AS value
  FROM latest l, json_each(l.metrics) f
  WHERE l.environment = 'production'
    AND f.key NOT IN ('core_count', 'total_memory', 'total_disk_space', 'is_container', 'is_kubernetes')
    AND json_type(f.value) <> 'NULL'
)
SELECT
  (SELECT label FROM release)   AS "Quarter",
  machine_id,
  product                       AS "Product",
  feature                       AS "Feature",
  CASE
    WHEN json_type(value) = 'BOOLEAN' THEN CASE WHEN value::VARCHAR = 'true' THEN 'yes' ELSE 'no' END
    WHEN json_type(value) IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN bucket_count(value::VARCHAR::DOUBLE)
    ELSE 'Unknown'
  END                           AS "Value"
FROM features
