-- Returns, for each of $sources, the priced spend of the calls it counts, how many of them have no price (and their
-- models), and, where the writing tool reported its own cost (LiteLLM's spend), that total beside costcap's price.
SELECT source_id,
    coalesce(sum(cost_usd), 0) AS spend_usd,
    count(*) FILTER (WHERE NOT priced) AS unpriced,
    list(DISTINCT model ORDER BY model) FILTER (WHERE NOT priced) AS unpriced_models,
    sum(reported_cost_usd) AS reported_usd,
    sum(cost_usd) FILTER (WHERE reported_cost_usd IS NOT NULL) AS priced_where_reported
FROM priced_calls WHERE source_id IN (SELECT unnest($sources))
GROUP BY source_id
