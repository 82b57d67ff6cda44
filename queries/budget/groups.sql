-- Returns, per group, the completion-token distribution of calls that returned a completion, read from output_counts (kept at ingest): counts, percentiles (linear interpolation between ranks, as quantile_cont), the logged cap.
WITH scoped AS (
    SELECT
        coalesce(
            -- by model: the snapshot that bills the calls (gpt-4o-2024-08-06 for gpt-4o) where the catalog knows it
            CASE $by WHEN 'model' THEN coalesce(a.model, c.model) WHEN 'batch_type' THEN c.batch_type ELSE c.feature END,
            '(untagged)'
        ) AS "group",
        c.output_tokens, c.max_tokens, c.truncated, c.calls
    FROM output_counts AS c
    LEFT JOIN price_aliases AS a
        ON $by = 'model' AND a.alias = price_key(c.model) AND in_span(coalesce(c.day, current_date), a.valid_from, a.valid_to),
        scope AS s
    WHERE in_scope(c.day, c.feature, s.scope_since, s.scope_until, s.scope_feature)
), budget_values AS (
    SELECT "group" AS k, output_tokens AS v, calls AS c FROM scoped
), quantiles AS (
    SELECT k AS "group", q FROM counted_quantiles('budget_values', [0.5, 0.9, 0.99, $fraction])
), caps AS (
    -- the cap most calls were sent with (the smaller on a tie)
    SELECT "group", max_tokens FROM (
        SELECT "group", max_tokens, row_number() OVER (PARTITION BY "group" ORDER BY sent DESC, max_tokens) AS place
        FROM (SELECT "group", max_tokens, sum(calls) AS sent FROM scoped WHERE max_tokens IS NOT NULL GROUP BY ALL)
    ) WHERE place = 1
), totals AS (
    SELECT "group", sum(calls) AS calls, coalesce(sum(calls) FILTER (WHERE truncated), 0) AS truncated_calls,
        max(output_tokens) AS "max"
    FROM scoped GROUP BY ALL
)
SELECT
    t."group", CAST(t.calls AS BIGINT) AS calls, CAST(t.truncated_calls AS BIGINT) AS truncated_calls,
    q.q[1] AS p50, q.q[2] AS p90, q.q[3] AS p99, q.q[4] AS p_chosen, t."max", c.max_tokens AS current_max_tokens
FROM totals AS t
JOIN quantiles AS q ON q."group" = t."group"
LEFT JOIN caps AS c ON c."group" = t."group"
ORDER BY calls DESC, t."group"
