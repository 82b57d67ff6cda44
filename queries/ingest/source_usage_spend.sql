-- Returns the priced spend of one source's usage buckets, and how many buckets have no price.
SELECT
    coalesce(sum(cost_usd), 0) AS spend_usd,
    count(*) FILTER (WHERE NOT priced) AS unpriced,
    list(DISTINCT coalesce(model, '(no model)') ORDER BY 1) FILTER (WHERE NOT priced) AS unpriced_models
FROM priced_usage WHERE source_id = $source_id
