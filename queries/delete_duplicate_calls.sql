-- Returns the number of calls removed: a request_id is stored once, so a call of this source goes when an older
-- source, or an earlier line of this source, has the same request_id.
DELETE FROM calls AS n
WHERE n.source_id = $source_id AND n.request_id IS NOT NULL
    AND EXISTS (
        SELECT 1 FROM calls AS c
        WHERE c.request_id = n.request_id AND (c.source_id <> $source_id OR c.line < n.line)
    )
