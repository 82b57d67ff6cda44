-- Returns every model the catalog cannot price, with its billed calls in the logs and requests in the usage export.
WITH logged AS (
    SELECT model, count(*) AS calls FROM scope_calls WHERE NOT priced GROUP BY model
), counted AS (
    SELECT model, sum(requests) AS requests, count(*) AS usage_rows FROM scope_usage WHERE NOT priced AND NOT ungrouped GROUP BY model
)
SELECT
    coalesce(l.model, c.model) AS model, coalesce(l.calls, 0) AS calls,
    coalesce(c.requests, 0) AS requests, coalesce(c.usage_rows, 0) AS usage_rows
FROM logged AS l FULL OUTER JOIN counted AS c ON l.model = c.model
ORDER BY calls + requests DESC, model
