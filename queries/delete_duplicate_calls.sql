-- Returns the number of calls removed: a call is stored once. A call of this source goes when an older source
-- holds the same record text (line_key: the line read again from a grown, rotated, copied or fixed file), or when an
-- older source, or an earlier line of this source, has the same request_id.
WITH twice AS MATERIALIZED (
    -- the 64-bit hashes seen more than once with one in this source (usually none): the exact comparison below
    -- then builds its table from those few calls, not from every request_id in the store
    SELECT h FROM (SELECT hash(request_id) AS h, source_id FROM calls WHERE request_id IS NOT NULL)
    GROUP BY h HAVING count(*) > 1 AND bool_or(source_id = $source_id)
), seen AS MATERIALIZED (
    SELECT DISTINCT c.line_key FROM calls AS c
    WHERE c.source_id <> $source_id
        AND c.line_key IN (SELECT line_key FROM calls WHERE source_id = $source_id)
)
DELETE FROM calls AS n
WHERE n.source_id = $source_id AND (
    n.line_key IN (SELECT line_key FROM seen)
    OR hash(n.request_id) IN (SELECT h FROM twice)
        AND EXISTS (
            SELECT 1 FROM calls AS c
            WHERE hash(c.request_id) IN (SELECT h FROM twice)
                AND c.request_id = n.request_id AND (c.source_id <> $source_id OR c.line < n.line)
        )
)
