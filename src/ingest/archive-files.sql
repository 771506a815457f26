-- The run's archive files, numbered from 1 in the order given: the path DuckDB reads, the day of the
-- file's folder and where it came from (for messages).
INSERT INTO archive_files
  SELECT i::UINTEGER, $paths[i], CAST($days[i] AS DATE), $sources[i] FROM range(1, len($paths) + 1) AS t(i);
