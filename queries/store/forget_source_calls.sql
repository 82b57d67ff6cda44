-- Returns nothing; removes the calls rows one source stored (forget, ingest --force).
DELETE FROM calls WHERE source_id = $source_id
