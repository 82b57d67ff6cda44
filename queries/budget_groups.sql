-- Returns, per group, the completion-token distribution of calls that returned a completion, read from output_counts (kept at ingest): counts, percentiles (linear interpolation between ranks, as quantile_cont), the logged cap.
WITH scoped AS (
    SELECT
        coalesce(
            CASE $by WHEN 'model' THEN model WHEN 'batch_type' THEN batch_type ELSE feature END,
            '(untagged)'
        ) AS "group",
        output_tokens, max_tokens, truncated, calls
    FROM output_counts
    WHERE ($feature IS NULL OR feature = $feature)
        AND ($since IS NULL OR day >= $since)
        AND ($until IS NULL OR day <= $until)
), distinct_values AS (
    SELECT "group", output_tokens AS v, sum(calls) AS c FROM scoped GROUP BY ALL
), ranked AS (
    -- the calls below each value: value v holds the ranks below .. below + c - 1 of the sorted calls
    SELECT "group", v, c,
        sum(c) OVER (PARTITION BY "group" ORDER BY v ROWS UNBOUNDED PRECEDING) - c AS below,
        sum(c) OVER (PARTITION BY "group") AS n
    FROM distinct_values
), positions AS (
    -- quantile_cont's rank: (n - 1) x q, between the values at its floor and its ceiling
    SELECT g."group", f.i, (g.n - 1) * f.q AS rn
    FROM (SELECT DISTINCT "group", n FROM ranked) AS g
    CROSS JOIN (SELECT unnest([1, 2, 3, 4]) AS i, unnest([0.5, 0.9, 0.99, $fraction]) AS q) AS f
), interpolated AS (
    SELECT p."group", p.i, lo.v + (p.rn - floor(p.rn)) * (hi.v - lo.v) AS value
    FROM positions AS p
    JOIN ranked AS lo ON lo."group" = p."group" AND floor(p.rn) >= lo.below AND floor(p.rn) < lo.below + lo.c
    JOIN ranked AS hi ON hi."group" = p."group" AND ceil(p.rn) >= hi.below AND ceil(p.rn) < hi.below + hi.c
), quantiles AS (
    SELECT "group", list(value ORDER BY i) AS q FROM interpolated GROUP BY ALL
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
