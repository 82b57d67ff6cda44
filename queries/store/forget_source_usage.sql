-- Returns nothing; removes the usage rows one source stored (forget, ingest --force).
DELETE FROM usage WHERE source_id = $source_id
