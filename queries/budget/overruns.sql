-- Returns, per group that has calls above its cap, what the cap would have cut: those calls, the tokens above it,
-- and those tokens priced at each call's output rate (from output_counts: no call is read).
WITH caps AS (
    SELECT unnest($groups) AS "group", unnest($caps) AS cap
), over AS (
    SELECT caps."group", c.model, c.tier, coalesce(c.day, current_date) AS price_day,
        coalesce(c.long_input, 0) AS request_input, c.output_tokens - caps.cap AS above, c.calls,
        0 AS input_tokens, 0 AS cached_tokens, 0 AS cache_write_tokens, 0 AS output_tokens,
        0 AS audio_input_tokens, 0 AS audio_output_tokens, 0 AS image_input_tokens
    FROM output_counts AS c
    LEFT JOIN price_aliases AS a
        ON $by = 'model' AND a.alias = price_key(c.model) AND in_span(coalesce(c.day, current_date), a.valid_from, a.valid_to)
    CROSS JOIN scope AS s
    JOIN caps ON caps."group" = coalesce(
        CASE $by WHEN 'model' THEN coalesce(a.model, c.model) WHEN 'batch_type' THEN c.batch_type ELSE c.feature END,
        '(untagged)'
    )
    WHERE c.output_tokens > caps.cap AND in_scope(c.day, c.feature, s.scope_since, s.scope_until, s.scope_feature)
)
SELECT
    "group", CAST(sum(calls) AS BIGINT) AS over_cap, sum(above * calls) AS overrun_tokens,
    coalesce(sum(above * calls * output_rate), 0) AS saving_usd,
    CAST(coalesce(sum(calls) FILTER (WHERE output_rate IS NULL), 0) AS BIGINT) AS unpriced_over_cap
FROM priced('over')
GROUP BY ALL
