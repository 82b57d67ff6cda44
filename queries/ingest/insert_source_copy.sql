-- Records another path holding a stored source's content.
INSERT INTO source_copies VALUES ($source_id, $path, CAST(now() AT TIME ZONE 'UTC' AS TIMESTAMP))
