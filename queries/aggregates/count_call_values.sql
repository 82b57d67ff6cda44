-- Returns nothing; counts one source's calls at each token count into call_values ($sources; $every: every source;
-- $floor as in count_call_groups), for the percentiles audit and estimate read.
INSERT INTO call_values
WITH source_calls AS (
    SELECT source_id, CAST(ts AS DATE) AS day, feature, model, tier, batch_size, origin, status, finish_reason,
        input_tokens, output_tokens, input_tokens - cached_tokens - cache_write_tokens AS uncached,
        CASE WHEN input_tokens > $floor THEN input_tokens END AS long_input
    FROM calls
    WHERE $every OR source_id IN (SELECT unnest($sources))
)
SELECT source_id, day, feature, model, 'input', NULL, NULL, NULL, input_tokens, count(*)
FROM source_calls WHERE input_tokens + output_tokens > 0 GROUP BY ALL
UNION ALL
SELECT source_id, day, feature, model, 'output', NULL, NULL, NULL, output_tokens, count(*)
FROM source_calls WHERE input_tokens + output_tokens > 0 GROUP BY ALL
UNION ALL
-- what caching could save is priced per tier, and per request above the long-context threshold
SELECT source_id, day, feature, model, 'uncached', tier, long_input, NULL, uncached, count(*)
FROM source_calls WHERE input_tokens >= 1024 GROUP BY ALL
UNION ALL
-- estimate's measures of a logged call that succeeded, per batch size, over the whole store (no day, no model)
SELECT source_id, NULL, feature, NULL, 'prompt_ok', NULL, NULL, batch_size, input_tokens, count(*)
FROM source_calls WHERE origin = 'log' AND status = 'ok' GROUP BY ALL
UNION ALL
SELECT source_id, NULL, feature, NULL, 'output_ok', NULL, NULL, batch_size, output_tokens, count(*)
FROM source_calls WHERE origin = 'log' AND status = 'ok' GROUP BY ALL
