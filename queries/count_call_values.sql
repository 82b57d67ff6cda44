-- Returns nothing; counts one source's calls at each token count into call_values ($source_id; NULL: every source;
-- $floor as in count_call_groups), for the percentiles audit and estimate read.
INSERT INTO call_values
WITH picked AS (
    SELECT c.source_id, CAST(c.ts AS DATE) AS day, c.feature, c.model, k.kind,
        CASE WHEN k.kind = 'uncached' THEN c.tier END AS tier,
        CASE WHEN k.kind = 'uncached' AND c.input_tokens > $floor THEN c.input_tokens END AS long_input,
        CASE WHEN k.kind IN ('prompt_ok', 'output_ok') THEN c.batch_size END AS batch_size,
        CASE k.kind
            WHEN 'input' THEN c.input_tokens
            WHEN 'uncached' THEN c.input_tokens - c.cached_tokens - c.cache_write_tokens
            WHEN 'prompt_ok' THEN c.input_tokens
            ELSE c.output_tokens
        END AS value
    FROM calls AS c
    JOIN (SELECT unnest(['input', 'output', 'complete', 'uncached', 'prompt_ok', 'output_ok']) AS kind) AS k
        ON CASE k.kind
            WHEN 'input' THEN c.input_tokens + c.output_tokens > 0
            WHEN 'output' THEN c.input_tokens + c.output_tokens > 0
            WHEN 'complete' THEN c.finish_reason IS DISTINCT FROM 'length' AND c.status = 'ok' AND c.output_tokens > 0
            WHEN 'uncached' THEN c.input_tokens >= 1024
            ELSE c.origin = 'log' AND c.status = 'ok'
        END
    WHERE $source_id IS NULL OR c.source_id = $source_id
)
SELECT source_id, day, feature, model, kind, tier, long_input, batch_size, value, count(*) AS calls
FROM picked
GROUP BY ALL
