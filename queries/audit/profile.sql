-- Returns, per feature and model, the shape of its billed calls: prompt and completion sizes, caching, timing and tier, and their cost.
WITH sizes AS (
    SELECT {'feature': feature, 'model': model, 'kind': kind} AS k, value AS v, calls AS c
    FROM scope_values WHERE kind IN ('input', 'output')
), quantiles AS (
    SELECT k.feature, k.model, k.kind, q FROM counted_quantiles('sizes', [0.5, 0.9])
), totals AS (
    SELECT
        feature, model, any_value(price_model) AS price_model,
        sum(calls) AS calls, coalesce(sum(calls) FILTER (WHERE NOT priced), 0) AS unpriced_calls, sum(cost_usd) AS cost_usd,
        coalesce(sum(calls) FILTER (WHERE tier = 'default'), 0) AS sync_calls,
        min(min_input) AS min_input, sum(cached_tokens) AS cached_tokens, max(max_output) AS max_output,
        -- stddev_pop / mean = sqrt(n x sum of squares - sum^2) / sum, in whole numbers until the root
        coalesce(sqrt(CAST(sum(calls) * sum(output_squares) - sum(output_tokens) * sum(output_tokens) AS DOUBLE))
            / nullif(sum(output_tokens), 0), 0) AS output_spread,
        coalesce(sum(calls) FILTER (WHERE night), 0) / sum(calls) AS night_share,
        coalesce(sum(calls) FILTER (WHERE batch_type <> '(none)' OR in_order), 0) / sum(calls) AS pipeline_share
    FROM scope_groups
    WHERE billed
    GROUP BY ALL
)
SELECT
    t.feature, t.model, t.price_model, CAST(t.calls AS BIGINT) AS calls, CAST(t.unpriced_calls AS BIGINT) AS unpriced_calls,
    t.cost_usd, CAST(t.sync_calls AS BIGINT) AS sync_calls, t.min_input, i.q[1] AS p50_input,
    CAST(t.cached_tokens AS BIGINT) AS cached_tokens, o.q[1] AS p50_output, o.q[2] AS p90_output, t.max_output,
    t.output_spread, t.night_share, t.pipeline_share
FROM totals AS t
JOIN quantiles AS i ON i.feature = t.feature AND i.model = t.model AND i.kind = 'input'
JOIN quantiles AS o ON o.feature = t.feature AND o.model = t.model AND o.kind = 'output'
ORDER BY t.cost_usd DESC NULLS LAST, t.feature, t.model
