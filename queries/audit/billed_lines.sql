-- Returns, per day and part of the bill, what the cost export charged and what the usage export costs at catalog
-- prices (line_item NULL: a cost row that names no line item).
WITH charged AS (
    SELECT day, line_item, sum(amount) AS charged_usd FROM scope_costs GROUP BY ALL
), counted AS (
    SELECT day, line_item, sum(cost_usd) AS usage_usd, count(*) FILTER (WHERE NOT priced) AS unpriced_rows,
        count(*) FILTER (WHERE ungrouped) AS ungrouped_rows
    FROM scope_usage GROUP BY ALL
)
SELECT coalesce(c.day, u.day) AS day, coalesce(c.line_item, u.line_item) AS line_item, c.charged_usd, u.usage_usd,
    coalesce(u.unpriced_rows, 0) AS unpriced_rows, coalesce(u.ungrouped_rows, 0) AS ungrouped_rows
FROM charged AS c FULL OUTER JOIN counted AS u ON c.day = u.day AND c.line_item IS NOT DISTINCT FROM u.line_item
ORDER BY day, line_item
