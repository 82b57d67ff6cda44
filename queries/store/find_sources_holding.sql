-- Returns the sources read from $path (or holding a copy of it there), and those with the content $sha256.
SELECT source_id FROM sources WHERE path = $path OR sha256 = $sha256
UNION
SELECT source_id FROM source_copies WHERE path = $path
ORDER BY source_id
