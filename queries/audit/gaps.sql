-- Returns, per day and billed model, the usage export's spend that logs can explain at catalog prices against the spend the logs explain.
WITH billed AS (
    SELECT day, coalesce(price_model, model) AS model, sum(cost_usd) AS billed_usd, sum(requests) AS requests
    FROM scope_usage WHERE attributable GROUP BY ALL
), logged AS (
    SELECT day, coalesce(price_model, model) AS model, sum(cost_usd) AS attributed_usd, CAST(sum(calls) AS BIGINT) AS calls
    FROM scope_groups WHERE day IS NOT NULL GROUP BY ALL
)
SELECT
    coalesce(b.day, l.day) AS day, coalesce(b.model, l.model) AS model,
    b.billed_usd, coalesce(b.requests, 0) AS requests, l.attributed_usd, coalesce(l.calls, 0) AS calls
FROM billed AS b FULL OUTER JOIN logged AS l ON b.day = l.day AND b.model = l.model
ORDER BY day, model
