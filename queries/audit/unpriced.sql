-- Returns every model the catalog cannot price, with its billed calls in the logs and requests in the usage export;
-- for a model the catalog knows, the day its first price starts (released) and the last day of its unpriced calls:
-- calls dated before a model existed are a clock or time-zone mistake, not a missing price.
WITH logged AS (
    SELECT model, CAST(sum(calls) AS BIGINT) AS calls, max(day) AS last_day
    FROM scope_groups WHERE NOT priced GROUP BY model
), counted AS (
    SELECT model, sum(requests) AS requests, count(*) AS usage_rows, max(day) AS last_day
    FROM scope_usage WHERE NOT priced AND NOT ungrouped GROUP BY model
), released AS (
    SELECT alias, min(valid_from) AS released FROM price_aliases GROUP BY alias
)
SELECT
    coalesce(l.model, c.model) AS model, coalesce(l.calls, 0) AS calls,
    coalesce(c.requests, 0) AS requests, coalesce(c.usage_rows, 0) AS usage_rows,
    r.released, greatest(l.last_day, c.last_day) AS last_day
FROM logged AS l FULL OUTER JOIN counted AS c ON l.model = c.model
LEFT JOIN released AS r ON r.alias = price_key(coalesce(l.model, c.model))
ORDER BY calls + requests DESC, model
