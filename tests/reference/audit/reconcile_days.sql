-- Returns per day of the scope the logged spend and calls, the usage at catalog prices and the charge of lines
-- naming an unpriced model: from every call, as the aggregates replaced.
WITH logged AS (
    SELECT day, sum(cost_usd) AS attributed_usd, count(*) AS calls,
        count(*) FILTER (WHERE NOT priced) AS unpriced_calls
    FROM scope_calls WHERE day IS NOT NULL GROUP BY day
), catalog AS (
    SELECT day, sum(cost_usd) AS catalog_usd, count(*) AS usage_rows
    FROM scope_usage WHERE attributable AND priced AND NOT ungrouped GROUP BY day
), unpriced_models AS (
    SELECT DISTINCT model FROM scope_calls WHERE NOT priced AND model IS NOT NULL
    UNION SELECT DISTINCT model FROM scope_usage WHERE NOT priced AND NOT ungrouped AND model IS NOT NULL
), unpriced_lines AS (
    SELECT c.day, sum(c.amount) AS unpriced_charged_usd
    FROM scope_costs AS c
    WHERE c.line_item_text IS NOT NULL
        AND EXISTS (SELECT 1 FROM unpriced_models AS m WHERE contains(lower(c.line_item_text), lower(m.model)))
    GROUP BY c.day
)
SELECT coalesce(l.day, c.day, p.day) AS day, coalesce(l.attributed_usd, 0) AS attributed_usd,
    coalesce(l.calls, 0) AS calls, coalesce(l.unpriced_calls, 0) AS unpriced_calls, c.catalog_usd,
    coalesce(c.usage_rows, 0) AS usage_rows, coalesce(p.unpriced_charged_usd, 0) AS unpriced_charged_usd
FROM logged AS l
FULL OUTER JOIN catalog AS c ON c.day = l.day
FULL OUTER JOIN unpriced_lines AS p ON p.day = coalesce(l.day, c.day)
ORDER BY day
