-- Returns nothing; removes one source's record, once its rows are gone (forget_source_calls, _usage, _costs).
DELETE FROM sources WHERE source_id = $source_id
