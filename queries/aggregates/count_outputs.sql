-- Returns nothing; counts the completion tokens of one source's calls into output_counts ($sources; $every: every
-- source, when a store is upgraded; $floor as in count_call_groups). Run once a source's calls are final: after bad
-- and duplicate calls are gone.
INSERT INTO output_counts (source_id, day, feature, batch_type, model, max_tokens, truncated, output_tokens, calls, tier, long_input)
SELECT
    source_id, CAST(ts AS DATE) AS day, feature, batch_type, model, max_tokens,
    coalesce(finish_reason = 'length', false) AS truncated, output_tokens, count(*) AS calls, tier,
    CASE WHEN input_tokens > $floor THEN input_tokens END AS long_input
FROM calls
WHERE output_tokens > 0
    AND (status_code IS NULL OR status_code < 400)
    AND ($every OR source_id IN (SELECT unnest($sources)))
GROUP BY ALL
