-- Returns attributed spend per group of calls ($by: feature, model, day, week, month, batch_type or order; $then a
-- second key), with cost per order where calls carry one: from every call, as the aggregates replaced.
WITH keyed AS (
    -- read twice below: only the columns used, or DuckDB keeps every column of every call
    SELECT order_id, priced, cost_usd, input_tokens, output_tokens, CASE WHEN $by = 'model' THEN logged_model END AS logged,
        group_key($by, feature, model, day, batch_type, coalesce(order_id, '(none)')) AS "key",
        CASE WHEN $then IS NOT NULL THEN group_key($then, feature, model, day, batch_type, coalesce(order_id, '(none)')) END AS key2
    FROM scope_calls
), per_order AS (
    SELECT "key", key2, order_id, sum(cost_usd) AS order_usd
    FROM keyed WHERE order_id IS NOT NULL AND priced
    GROUP BY ALL
), order_stats AS (
    SELECT "key", key2, count(*) AS orders,
        quantile_cont(CAST(order_usd AS DOUBLE), 0.5) AS cost_per_order_p50,
        quantile_cont(CAST(order_usd AS DOUBLE), 0.9) AS cost_per_order_p90
    FROM per_order GROUP BY ALL
)
SELECT
    k."key", k.key2, sum(cost_usd) AS cost_usd, count(*) AS calls, count(*) FILTER (WHERE NOT priced) AS unpriced_calls,
    sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
    coalesce(o.orders, 0) AS orders, o.cost_per_order_p50, o.cost_per_order_p90,
    list(DISTINCT logged ORDER BY logged) FILTER (WHERE logged IS DISTINCT FROM k."key" AND logged IS NOT NULL) AS logged_as
FROM keyed AS k LEFT JOIN order_stats AS o ON o."key" = k."key" AND o.key2 IS NOT DISTINCT FROM k.key2
GROUP BY k."key", k.key2, o.orders, o.cost_per_order_p50, o.cost_per_order_p90
ORDER BY cost_usd DESC NULLS LAST, calls DESC, k."key", k.key2
