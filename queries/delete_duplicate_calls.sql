-- Returns the number of calls removed: a request_id is stored once, so a call of this source goes when an older
-- source, or an earlier line of this source, has the same request_id.
WITH twice AS MATERIALIZED (
    -- the 64-bit hashes seen more than once with one in this source (usually none): the exact comparison below
    -- then builds its table from those few calls, not from every request_id in the store
    SELECT h FROM (SELECT hash(request_id) AS h, source_id FROM calls WHERE request_id IS NOT NULL)
    GROUP BY h HAVING count(*) > 1 AND bool_or(source_id = $source_id)
)
DELETE FROM calls AS n
WHERE n.source_id = $source_id AND hash(n.request_id) IN (SELECT h FROM twice)
    AND EXISTS (
        SELECT 1 FROM calls AS c
        WHERE hash(c.request_id) IN (SELECT h FROM twice)
            AND c.request_id = n.request_id AND (c.source_id <> $source_id OR c.line < n.line)
    )
