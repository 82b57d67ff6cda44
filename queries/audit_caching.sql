-- Returns, per feature and model, what billing the first $prefixes tokens of each prompt at the cached rate would have saved (prompts of 1,024 tokens or more).
WITH wanted AS (
    SELECT unnest($features) AS feature, unnest($models) AS model, unnest($prefixes) AS prefix
)
SELECT
    c.feature, c.model,
    sum(CASE WHEN c.input_tokens < 1024 THEN 0 ELSE least(w.prefix, c.input_tokens - c.cached_tokens - c.cache_write_tokens) * CASE
        WHEN p.long_context_above IS NOT NULL AND c.input_tokens > p.long_context_above THEN p.lc_input - p.lc_cached_input
        ELSE p.input - p.cached_input
    END END) AS saving_usd
FROM scope_calls AS c
JOIN wanted AS w ON w.feature = c.feature AND w.model = c.model
JOIN price_rates AS p
    ON p.model = c.price_model
    AND p.tier = c.tier
    AND (p.effective_from IS NULL OR c.price_day >= p.effective_from)
    AND (p.effective_to IS NULL OR c.price_day < p.effective_to)
WHERE c.input_tokens + c.output_tokens > 0
GROUP BY ALL
ORDER BY c.feature, c.model
