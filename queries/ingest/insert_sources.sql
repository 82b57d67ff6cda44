-- Records ingested files and appended parts, one list parameter per column (one row per element).
INSERT INTO sources BY NAME
SELECT unnest($source_id) AS source_id, unnest($path) AS path, unnest($sha256) AS sha256, unnest($kind) AS kind,
    unnest($rows) AS rows, unnest($skipped) AS skipped, unnest($bad) AS bad, unnest($duplicates) AS duplicates,
    unnest($bytes) AS bytes, unnest($lines) AS lines, unnest($first_line) AS first_line,
    unnest($document_id) AS document_id, CAST(now() AT TIME ZONE 'UTC' AS TIMESTAMP) AS ingested_at
