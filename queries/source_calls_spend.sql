-- Returns the priced spend of one source's calls, how many of its calls have no price, and, where the writing tool
-- reported its own cost (LiteLLM's spend), that reported total beside costcap's price of the same calls.
SELECT
    coalesce(sum(cost_usd), 0) AS spend_usd,
    count(*) FILTER (WHERE NOT priced) AS unpriced,
    list(DISTINCT model ORDER BY model) FILTER (WHERE NOT priced) AS unpriced_models,
    sum(reported_cost_usd) AS reported_usd,
    sum(cost_usd) FILTER (WHERE reported_cost_usd IS NOT NULL) AS priced_where_reported
FROM priced_calls WHERE source_id = $source_id
