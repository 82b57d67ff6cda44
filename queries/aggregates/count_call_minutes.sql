-- Returns nothing; counts one source's timed calls per minute, feature and model into call_minutes ($sources;
-- $every: every source).
INSERT INTO call_minutes
SELECT source_id, date_trunc('minute', ts) AS minute, feature, model, count(*) AS requests,
    sum(input_tokens + output_tokens) AS tokens, count(*) FILTER (WHERE status = 'rate_limited') AS limited
FROM calls
WHERE ts IS NOT NULL AND ($every OR source_id IN (SELECT unnest($sources)))
GROUP BY ALL
