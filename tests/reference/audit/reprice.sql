-- Returns, per feature and model, what its priced calls cost and would have cost at another model ($targets, NULL = same) and tier ($tier, NULL = same).
WITH wanted AS (
    SELECT unnest($features) AS feature, unnest($models) AS model, unnest($targets) AS target
), moved AS (
    SELECT c.*, coalesce($tier, c.tier) AS new_tier, coalesce(w.target, c.price_model) AS new_alias
    FROM scope_calls AS c JOIN wanted AS w ON w.feature = c.feature AND w.model = c.model
    WHERE c.priced AND c.input_tokens + c.output_tokens > 0 AND ($from_tier IS NULL OR c.tier = $from_tier)
), resolved AS (
    SELECT m.*, a.model AS new_model
    FROM moved AS m
    LEFT JOIN price_aliases AS a
        ON a.alias = m.new_alias
        AND in_span(m.price_day, a.valid_from, a.valid_to)
), repriced AS (
    SELECT r.feature, r.model, r.cost_usd,
        token_cost(r.input_tokens, r.cached_tokens, r.cache_write_tokens, r.output_tokens,
                   r.audio_input_tokens, 0, r.audio_output_tokens, r.image_input_tokens, 0, 0, r.input_tokens, p) AS new_cost
    FROM resolved AS r
    LEFT JOIN price_rates AS p
        ON p.model = r.new_model
        AND p.tier = r.new_tier
        AND in_span(r.price_day, p.effective_from, p.effective_to)
)
SELECT
    feature, model, count(*) AS calls, sum(cost_usd) AS cost_usd, sum(new_cost) AS new_cost_usd,
    -- no price at the new model or tier, or none for the call's audio or image tokens
    count(*) FILTER (WHERE new_cost IS NULL) AS unpriced_calls
FROM repriced
GROUP BY ALL
ORDER BY feature, model
