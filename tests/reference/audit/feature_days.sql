-- Returns, per feature and day, its attributed spend and the cost of the orders its calls carry.
SELECT
    feature, day, sum(cost_usd) AS cost_usd, count(DISTINCT order_id) AS orders,
    sum(cost_usd) FILTER (WHERE order_id IS NOT NULL) AS order_usd
FROM scope_calls
WHERE day IS NOT NULL AND priced
GROUP BY ALL
ORDER BY feature, day
