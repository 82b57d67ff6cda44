-- Returns the scope's attributable usage at catalog prices per day, billed model, project, API key and Batch flag,
-- with whether the logs hold a call of that model that day (any, and through the Batch API): what the
-- reconciliation splits a day's gap by (audit.reconcile).
WITH usage_cells AS (
    SELECT day, coalesce(price_model, model) AS model, project, api_key, tier = 'batch' AS batch,
        sum(cost_usd) AS usage_usd, sum(requests) AS requests, sum(input_tokens) AS input_tokens,
        sum(output_tokens) AS output_tokens
    FROM scope_usage
    WHERE attributable AND priced AND NOT ungrouped
    GROUP BY ALL
), logged AS (
    SELECT day, model, bool_or(tier = 'batch') AS logged_batch
    FROM scope_groups
    WHERE day IS NOT NULL
    GROUP BY ALL
)
SELECT u.day, u.model, u.project, u.api_key, u.batch, u.usage_usd, u.requests, u.input_tokens, u.output_tokens,
    l.day IS NOT NULL AS logged, coalesce(l.logged_batch, false) AS logged_batch
FROM usage_cells AS u
LEFT JOIN logged AS l ON l.day = u.day AND l.model = u.model
ORDER BY u.day, u.model, u.project, u.api_key, u.batch
