-- Returns, per feature and model, what billing the first $low (and, for the upper bound, $high) tokens of each prompt of 1,024 tokens or more at the cached rate would have saved.
WITH wanted AS (
    SELECT unnest($features) AS feature, unnest($models) AS model, unnest($low) AS low, unnest($high) AS high
), bounds AS (
    -- the tokens caching would cover, summed per price (model, day, tier and request size) before pricing
    SELECT v.feature, v.model AS model_key, v.logged_model AS model, v.tier, coalesce(v.day, current_date) AS price_day,
        coalesce(v.long_input, 0) AS request_input,
        sum(least(w.low, v.value) * v.calls) AS low_tokens, sum(least(w.high, v.value) * v.calls) AS high_tokens
    FROM scope_values AS v
    JOIN wanted AS w ON w.feature = v.feature AND w.model = v.model
    WHERE v.kind = 'uncached'
    GROUP BY ALL
), to_price AS (
    -- each sum priced twice, uncached and cached: the difference is what caching saves
    SELECT b.* EXCLUDE (low_tokens, high_tokens), k.bound, c.cached,
        CASE k.bound WHEN 'low' THEN low_tokens ELSE high_tokens END AS input_tokens,
        CASE WHEN c.cached THEN input_tokens ELSE 0 END AS cached_tokens, 0 AS cache_write_tokens,
        0 AS output_tokens, 0 AS audio_input_tokens, 0 AS audio_output_tokens, 0 AS image_input_tokens
    FROM bounds AS b
    CROSS JOIN (SELECT unnest(['low', 'high']) AS bound) AS k
    CROSS JOIN (SELECT unnest([false, true]) AS cached) AS c
), costed AS (
    SELECT feature, model_key, bound, sum(cost_usd) FILTER (WHERE NOT cached) - sum(cost_usd) FILTER (WHERE cached) AS saved
    FROM priced('to_price')
    WHERE priced
    GROUP BY ALL
)
SELECT feature, model_key AS model, sum(saved) FILTER (WHERE bound = 'low') AS low_usd,
    sum(saved) FILTER (WHERE bound = 'high') AS high_usd
FROM costed
GROUP BY ALL
ORDER BY feature, model
