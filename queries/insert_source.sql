-- Records one ingested file or appended part.
INSERT INTO sources VALUES (
    $source_id, $path, $sha256, $kind, $rows, $skipped, $bad, $duplicates, $bytes, $lines, $first_line,
    CAST(now() AT TIME ZONE 'UTC' AS TIMESTAMP)
)
