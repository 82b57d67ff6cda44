-- Returns, per day, what the cost export charged and what the usage export counted and costs at catalog prices.
WITH charged AS (
    SELECT day, count(*) AS cost_rows, sum(amount) AS charged_usd,
        count(*) FILTER (WHERE currency <> 'usd') AS foreign_rows
    FROM scope_costs GROUP BY day
), counted AS (
    SELECT day, count(*) AS usage_rows, count(*) FILTER (WHERE NOT priced AND NOT ungrouped) AS unpriced_rows,
        count(*) FILTER (WHERE ungrouped) AS ungrouped_rows,
        sum(cost_usd) AS usage_usd, sum(requests) AS requests, sum(input_tokens) AS input_tokens,
        sum(cached_tokens) AS cached_tokens, sum(output_tokens) AS output_tokens
    FROM scope_usage GROUP BY day
)
SELECT
    coalesce(charged.day, counted.day) AS day,
    coalesce(cost_rows, 0) AS cost_rows, charged_usd, coalesce(foreign_rows, 0) AS foreign_rows,
    coalesce(usage_rows, 0) AS usage_rows, coalesce(unpriced_rows, 0) AS unpriced_rows,
    coalesce(ungrouped_rows, 0) AS ungrouped_rows, usage_usd,
    coalesce(requests, 0) AS requests, coalesce(input_tokens, 0) AS input_tokens,
    coalesce(cached_tokens, 0) AS cached_tokens, coalesce(output_tokens, 0) AS output_tokens
FROM charged FULL OUTER JOIN counted ON charged.day = counted.day
ORDER BY day
