-- The run's archive files, numbered from 1 in the order given: the path DuckDB reads, the day of the
-- file's folder and where it came from (for messages), and the UTC instants that day starts and
-- ends (the session time zone is UTC), computed once per file rather than once per event.
INSERT INTO archive_files
  SELECT file, path, day, source, day::TIMESTAMPTZ, day::TIMESTAMPTZ + INTERVAL 1 DAY
  FROM (SELECT i::UINTEGER AS file, $paths[i] AS path, CAST($days[i] AS DATE) AS day, $sources[i] AS source
        FROM range(1, len($paths) + 1) AS t(i));
