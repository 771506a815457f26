-- The run's archive files (filled by archive-files.sql), and every line or row read from them with the reason it cannot be used
-- (NULL when it can): one pass over the files fills `archive_rows`; `events`, `rejects` and
-- `file_reads` are views of it. The tables are TEMP when the events stay out of the database file.
--
-- `file` is the file's number in `archive_files`: a small integer a row instead of a path string.
-- `machine_id` is the 64-bit hash of the id (NULL on rejected rows): every later step only groups and
-- counts machines, integers move far faster than 64-character strings, and the id itself is never
-- stored. Two machines whose hashes collide count as one, which can only suppress more.
CREATE {{temporary}}TABLE archive_files (
  file UINTEGER NOT NULL, path VARCHAR NOT NULL, day DATE NOT NULL, source VARCHAR NOT NULL,
  day_start TIMESTAMPTZ NOT NULL, day_end TIMESTAMPTZ NOT NULL
);
CREATE {{temporary}}TABLE archive_rows (
  file UINTEGER NOT NULL, reason VARCHAR,
  day DATE, ts TIMESTAMPTZ, machine_id UBIGINT, event VARCHAR,
  command VARCHAR, exit_code BIGINT, os_family VARCHAR, os_version VARCHAR, runtime_id VARCHAR,
  sdk_version VARCHAR, ip_prefix VARCHAR, environment VARCHAR, is_container BOOLEAN,
  product VARCHAR, product_version VARCHAR, metrics JSON
);
CREATE OR REPLACE {{temporary}}VIEW events AS
  SELECT day, ts, machine_id, coalesce(event, 'command') AS event, command, exit_code, os_family, os_version,
         runtime_id, sdk_version, ip_prefix, environment, is_container, product, product_version, metrics
  FROM archive_rows WHERE reason IS NULL;
CREATE OR REPLACE {{temporary}}VIEW rejects AS
  SELECT file, reason, count(*) AS events FROM archive_rows WHERE reason IS NOT NULL GROUP BY ALL;
CREATE OR REPLACE {{temporary}}VIEW file_reads AS
  SELECT file, count(*) AS events FROM archive_rows GROUP BY ALL;
