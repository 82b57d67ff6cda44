-- Returns nothing; counts one source's timed calls per minute, feature and model into call_minutes ($source_id;
-- NULL: every source).
INSERT INTO call_minutes
SELECT source_id, date_trunc('minute', ts) AS minute, feature, model, count(*) AS requests,
    sum(input_tokens + output_tokens) AS tokens, count(*) FILTER (WHERE status = 'rate_limited') AS limited
FROM calls
WHERE ts IS NOT NULL AND ($source_id IS NULL OR source_id = $source_id)
GROUP BY ALL
