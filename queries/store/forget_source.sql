-- Returns nothing; removes one source's record and the other paths holding its content, once its rows are gone
-- (forget_source_calls, _copies, _usage, _costs).
DELETE FROM source_copies WHERE source_id = $source_id;
DELETE FROM sources WHERE source_id = $source_id
