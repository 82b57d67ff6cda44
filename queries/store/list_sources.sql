-- Returns every source ($source_id NULL) or one: an ingested file, an appended part of a log or a pull, with what it holds: rows, the days its
-- rows cover and their spend (calls and usage at catalog prices, costs as charged).
WITH held AS (
    SELECT source_id, min(CAST(ts AS DATE)) AS first_day, max(CAST(ts AS DATE)) AS last_day, sum(cost_usd) AS spend_usd,
        count(*) FILTER (WHERE NOT priced) AS unpriced
    FROM priced_calls WHERE $source_id IS NULL OR source_id = $source_id GROUP BY source_id
    UNION ALL
    SELECT source_id, min(CAST(bucket_start AS DATE)), max(CAST(bucket_start AS DATE)), sum(cost_usd),
        count(*) FILTER (WHERE NOT priced)
    FROM priced_usage WHERE $source_id IS NULL OR source_id = $source_id GROUP BY source_id
    UNION ALL
    SELECT source_id, min(CAST(bucket_start AS DATE)), max(CAST(bucket_start AS DATE)), sum(amount), 0
    FROM costs WHERE $source_id IS NULL OR source_id = $source_id GROUP BY source_id
)
SELECT s.source_id AS id, s.path, s.kind, s.rows, s.first_line, h.first_day, h.last_day,
    coalesce(h.spend_usd, 0) AS spend_usd, coalesce(h.unpriced, 0) AS unpriced,
    date_trunc('second', s.ingested_at) AS ingested_at
FROM sources AS s LEFT JOIN held AS h USING (source_id)
WHERE $source_id IS NULL OR s.source_id = $source_id
ORDER BY s.source_id
