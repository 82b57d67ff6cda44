-- Returns the id the next source will get.
SELECT coalesce(max(source_id), 0) + 1 AS source_id FROM sources
