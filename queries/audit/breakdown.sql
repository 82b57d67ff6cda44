-- Returns attributed spend per group of calls ($by: feature, model (the billed snapshot), day, week, month, batch_type
-- or order; $then, when given, a second key within each), with cost per order where calls carry one.
WITH keyed AS (
    SELECT priced, cost_usd, calls, input_tokens, output_tokens, CASE WHEN $by = 'model' THEN logged_model END AS logged,
        group_key($by, feature, model, day, batch_type, '(none)') AS "key",
        CASE WHEN $then IS NOT NULL THEN group_key($then, feature, model, day, batch_type, '(none)') END AS key2
    FROM scope_groups
    -- by order, each order's calls are counted from scope_orders below
    WHERE ($by <> 'order' AND coalesce($then, '') <> 'order') OR NOT in_order
    UNION ALL
    SELECT priced, cost_usd, calls, input_tokens, output_tokens, NULL,
        group_key($by, feature, model, day, batch_type, order_id),
        CASE WHEN $then IS NOT NULL THEN group_key($then, feature, model, day, batch_type, order_id) END
    FROM scope_orders WHERE $by = 'order' OR $then = 'order'
), per_order AS (
    SELECT group_key($by, feature, model, day, batch_type, order_id) AS "key",
        CASE WHEN $then IS NOT NULL THEN group_key($then, feature, model, day, batch_type, order_id) END AS key2,
        order_id, sum(cost_usd) AS order_usd
    FROM scope_orders WHERE priced
    GROUP BY ALL
), order_stats AS (
    SELECT "key", key2, count(*) AS orders,
        quantile_cont(CAST(order_usd AS DOUBLE), 0.5) AS cost_per_order_p50,
        quantile_cont(CAST(order_usd AS DOUBLE), 0.9) AS cost_per_order_p90
    FROM per_order GROUP BY ALL
)
SELECT
    k."key", k.key2, sum(cost_usd) AS cost_usd, CAST(sum(calls) AS BIGINT) AS calls,
    CAST(coalesce(sum(calls) FILTER (WHERE NOT priced), 0) AS BIGINT) AS unpriced_calls,
    CAST(sum(input_tokens) AS BIGINT) AS input_tokens, CAST(sum(output_tokens) AS BIGINT) AS output_tokens,
    coalesce(o.orders, 0) AS orders, o.cost_per_order_p50, o.cost_per_order_p90,
    -- by model: the names the calls were logged under, where they are not the snapshot that bills them
    list(DISTINCT logged ORDER BY logged) FILTER (WHERE logged IS DISTINCT FROM k."key" AND logged IS NOT NULL) AS logged_as
FROM keyed AS k LEFT JOIN order_stats AS o ON o."key" = k."key" AND o.key2 IS NOT DISTINCT FROM k.key2
GROUP BY k."key", k.key2, o.orders, o.cost_per_order_p50, o.cost_per_order_p90
ORDER BY cost_usd DESC NULLS LAST, calls DESC, k."key", k.key2
