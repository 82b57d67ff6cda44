-- Returns, per feature and day, its attributed spend and the cost of the orders its calls carry.
WITH orders AS (
    SELECT feature, day, count(DISTINCT order_id) AS orders
    FROM scope_orders WHERE day IS NOT NULL AND priced GROUP BY ALL
), spend AS (
    SELECT feature, day, sum(cost_usd) AS cost_usd, sum(cost_usd) FILTER (WHERE in_order) AS order_usd
    FROM scope_groups WHERE day IS NOT NULL AND priced GROUP BY ALL
)
SELECT s.feature, s.day, s.cost_usd, coalesce(o.orders, 0) AS orders, s.order_usd
FROM spend AS s LEFT JOIN orders AS o ON o.feature = s.feature AND o.day = s.day
ORDER BY s.feature, s.day
