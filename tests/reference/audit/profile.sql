-- Returns, per feature and model, the shape of its billed calls: prompt and completion sizes, caching, timing and tier, and their cost.
SELECT
    feature, model, any_value(price_model) AS price_model,
    count(*) AS calls, count(*) FILTER (WHERE NOT priced) AS unpriced_calls, sum(cost_usd) AS cost_usd,
    count(*) FILTER (WHERE tier = 'default') AS sync_calls,
    min(input_tokens) AS min_input, quantile_cont(input_tokens, 0.5) AS p50_input,
    sum(cached_tokens) AS cached_tokens,
    quantile_cont(output_tokens, 0.5) AS p50_output, quantile_cont(output_tokens, 0.9) AS p90_output,
    max(output_tokens) AS max_output,
    coalesce(stddev_pop(output_tokens) / nullif(avg(output_tokens), 0), 0) AS output_spread,
    count(*) FILTER (WHERE hour(ts) < 6) / count(*) AS night_share,
    count(*) FILTER (WHERE batch_type <> '(none)' OR order_id IS NOT NULL) / count(*) AS pipeline_share
FROM scope_calls
WHERE input_tokens + output_tokens > 0
GROUP BY ALL
ORDER BY cost_usd DESC NULLS LAST, feature, model
