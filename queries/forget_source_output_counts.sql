-- Returns nothing; removes the completion-token counts of one source (forget, ingest --force).
DELETE FROM output_counts WHERE source_id = $source_id
