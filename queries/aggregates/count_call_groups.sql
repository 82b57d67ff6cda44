-- Returns nothing; sums one source's calls into call_groups ($sources; $every: every source, when a store is
-- upgraded; $floor: the input above which a call keeps its own group). Run once the source's calls are final.
INSERT INTO call_groups
SELECT
    source_id, CAST(ts AS DATE) AS day, hour(ts) < 6 AS night, feature, batch_type, model, order_id IS NOT NULL AS in_order, batch_size,
    origin, tier, service_tier, status, status_code, finish_reason,
    coalesce(attempt > 1, false) AS retry,
    contains(lower(coalesce(error, '')), 'expired') AS expired,
    input_tokens + output_tokens > 0 AS billed, output_tokens > 0 AS answered,
    CASE WHEN input_tokens > $floor THEN input_tokens END AS long_input,
    audio_input_tokens > 0 AS audio_input, audio_output_tokens > 0 AS audio_output, image_input_tokens > 0 AS image_input,
    count(*) AS calls, sum(input_tokens), sum(cached_tokens), sum(cache_write_tokens), sum(output_tokens),
    sum(audio_input_tokens), sum(audio_output_tokens), sum(image_input_tokens),
    sum(CAST(output_tokens AS HUGEINT) * output_tokens), min(input_tokens), max(output_tokens),
    min(left(error, 120)) AS error_example
FROM calls
WHERE $every OR source_id IN (SELECT unnest($sources))
GROUP BY ALL
