-- Returns, per feature and model, what its priced calls cost and would have cost at another model ($targets, NULL = same) and tier ($tier, NULL = same).
WITH wanted AS (
    SELECT unnest($features) AS feature, unnest($models) AS model, unnest($targets) AS target
), to_price AS (
    SELECT g.feature, g.model AS model_key, g.cost_usd AS old_cost_usd, g.calls,
        coalesce(w.target, g.price_model) AS model, coalesce($tier, g.tier) AS tier, g.price_day, coalesce(g.long_input, 0) AS request_input,
        g.input_tokens, g.cached_tokens, g.cache_write_tokens, g.output_tokens,
        g.audio_input_tokens, g.audio_output_tokens, g.image_input_tokens
    FROM scope_groups AS g JOIN wanted AS w ON w.feature = g.feature AND w.model = g.model
    WHERE g.priced AND g.billed AND ($from_tier IS NULL OR g.tier = $from_tier)
)
SELECT
    feature, model_key AS model, CAST(sum(calls) AS BIGINT) AS calls, sum(old_cost_usd) AS cost_usd,
    sum(cost_usd) AS new_cost_usd,
    -- no price at the new model or tier, or none for the call's audio or image tokens
    CAST(coalesce(sum(calls) FILTER (WHERE NOT priced), 0) AS BIGINT) AS unpriced_calls
FROM priced('to_price')
GROUP BY ALL
ORDER BY feature, model
