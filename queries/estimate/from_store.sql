-- Returns, per batch size of one feature's logged calls: attempts, the share that failed, and of the calls that
-- succeeded the input per call (mean and p50) and the output per item (mean, p50 and p90): a plan prices the means,
-- the percentiles show the spread.
WITH attempts AS (
    SELECT coalesce(batch_size, 1) AS batch_size, sum(calls) AS attempts,
        coalesce(sum(calls) FILTER (WHERE status = 'error'), 0) / sum(calls) AS failure_rate
    FROM call_groups
    WHERE feature = $feature AND origin = 'log' AND status <> 'rate_limited'  -- a 429 is not billed
    GROUP BY ALL
), succeeded AS (
    SELECT {'batch_size': coalesce(batch_size, 1), 'kind': kind} AS k,
        CASE kind WHEN 'prompt_ok' THEN value ELSE value / coalesce(batch_size, 1) END AS v, calls AS c
    FROM call_values
    WHERE feature = $feature AND kind IN ('prompt_ok', 'output_ok')
), quantiles AS (
    SELECT k.batch_size, k.kind, q FROM counted_quantiles('succeeded', [0.5, 0.9])
), means AS (
    SELECT k.batch_size, k.kind, sum(v * c) / sum(c) AS mean FROM succeeded GROUP BY ALL
)
SELECT
    a.batch_size, CAST(a.attempts AS BIGINT) AS attempts, a.failure_rate,
    pm.mean AS prompt_mean, p.q[1] AS prompt_p50,
    om.mean AS item_output_mean, o.q[1] AS item_output_p50, o.q[2] AS item_output_p90
FROM attempts AS a
LEFT JOIN quantiles AS p ON p.batch_size = a.batch_size AND p.kind = 'prompt_ok'
LEFT JOIN quantiles AS o ON o.batch_size = a.batch_size AND o.kind = 'output_ok'
LEFT JOIN means AS pm ON pm.batch_size = a.batch_size AND pm.kind = 'prompt_ok'
LEFT JOIN means AS om ON om.batch_size = a.batch_size AND om.kind = 'output_ok'
ORDER BY a.batch_size
