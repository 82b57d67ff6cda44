-- Returns, per feature and model, what billing the first $low (and, for the upper bound, $high) tokens of each prompt of 1,024 tokens or more at the cached rate would have saved.
WITH wanted AS (
    SELECT unnest($features) AS feature, unnest($models) AS model, unnest($low) AS low, unnest($high) AS high
), per_call AS (
    SELECT
        w.feature, w.model, w.low, w.high,
        c.input_tokens - c.cached_tokens - c.cache_write_tokens AS uncached,
        CASE
            WHEN p.long_context_above IS NOT NULL AND c.input_tokens > p.long_context_above THEN p.lc_input - p.lc_cached_input
            ELSE p.input - p.cached_input
        END AS discount
    FROM scope_calls AS c
    JOIN wanted AS w ON w.feature = c.feature AND w.model = c.model
    JOIN price_rates AS p
        ON p.model = c.price_model
        AND p.tier = c.tier
        AND in_span(c.price_day, p.effective_from, p.effective_to)
    WHERE c.input_tokens >= 1024
)
SELECT
    feature, model,
    sum(least(low, uncached) * discount) AS low_usd,
    sum(least(high, uncached) * discount) AS high_usd
FROM per_call
GROUP BY ALL
ORDER BY feature, model
