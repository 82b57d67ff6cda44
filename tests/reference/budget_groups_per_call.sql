-- The per-call computation budget_groups.sql replaced (every call read and sorted), kept as the second method the aggregate path is checked against.
SELECT "group", calls, truncated_calls, q[1] AS p50, q[2] AS p90, q[3] AS p99, q[4] AS p_chosen, "max", current_max_tokens
FROM (
SELECT
    coalesce(
        CASE $by WHEN 'model' THEN coalesce(price_model, model) WHEN 'batch_type' THEN batch_type ELSE feature END,
        '(untagged)'
    ) AS "group",
    count(*) AS calls,
    count(*) FILTER (WHERE finish_reason = 'length') AS truncated_calls,
    -- one list of fractions: the group's values are sorted once, not once per percentile
    quantile_cont(output_tokens, [0.5, 0.9, 0.99, $fraction]) AS q,
    max(output_tokens) AS "max",
    mode(max_tokens) AS current_max_tokens
FROM priced_calls
WHERE output_tokens > 0
    AND (status_code IS NULL OR status_code < 400)
    AND ($feature IS NULL OR feature = $feature)
    AND ($since IS NULL OR CAST(ts AS DATE) >= $since)
    AND ($until IS NULL OR CAST(ts AS DATE) <= $until)
GROUP BY ALL
)
ORDER BY calls DESC, "group"
