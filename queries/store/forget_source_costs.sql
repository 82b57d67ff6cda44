-- Returns nothing; removes the costs rows one source stored (forget, ingest --force).
DELETE FROM costs WHERE source_id = $source_id
