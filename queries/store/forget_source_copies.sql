-- Returns nothing; removes the rows one source holds that another source's rows count (forget, ingest --force).
DELETE FROM call_copies WHERE source_id = $source_id
