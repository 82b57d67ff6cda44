-- Returns every path one source's content is held at: where it was read, then its copies.
SELECT path FROM sources WHERE source_id = $source_id
UNION ALL
SELECT path FROM source_copies WHERE source_id = $source_id
