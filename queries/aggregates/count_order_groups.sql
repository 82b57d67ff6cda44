-- Returns nothing; sums one source's calls that carry an order id into order_groups, per order ($sources; $every:
-- every source; $floor as in count_call_groups).
INSERT INTO order_groups
SELECT
    source_id, order_id, CAST(ts AS DATE) AS day, feature, batch_type, model, tier,
    input_tokens + output_tokens > 0 AS billed,
    CASE WHEN input_tokens > $floor THEN input_tokens END AS long_input,
    audio_input_tokens > 0 AS audio_input, audio_output_tokens > 0 AS audio_output, image_input_tokens > 0 AS image_input,
    count(*) AS calls, sum(input_tokens), sum(cached_tokens), sum(cache_write_tokens), sum(output_tokens),
    sum(audio_input_tokens), sum(audio_output_tokens), sum(image_input_tokens)
FROM calls
WHERE order_id IS NOT NULL AND ($every OR source_id IN (SELECT unnest($sources)))
GROUP BY ALL
