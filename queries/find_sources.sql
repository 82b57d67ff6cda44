-- Returns the sources a `forget` or `ingest --force` names: by id, or every part of one file path.
SELECT source_id, path FROM sources
WHERE CAST(source_id AS VARCHAR) = $given OR path = $path
ORDER BY source_id
