-- Returns (source, path, is it a copy) for the sources a `forget` names: by id, or every part of one file path,
-- whether the source was read from that path or holds the same content read from another.
SELECT source_id, path, false AS copy FROM sources WHERE CAST(source_id AS VARCHAR) = $given OR path = $path
UNION ALL
SELECT source_id, path, true FROM source_copies WHERE path = $path
ORDER BY source_id
