-- Returns, per batch size of one feature's logged calls: attempts, the share that failed, and per-call input and per-item output percentiles of the calls that succeeded.
SELECT
    coalesce(batch_size, 1) AS batch_size,
    count(*) AS attempts,
    count(*) FILTER (WHERE status = 'error') / count(*) AS failure_rate,
    quantile_cont(input_tokens, 0.5) FILTER (WHERE status = 'ok') AS prompt_p50,
    quantile_cont(output_tokens / coalesce(batch_size, 1), 0.5) FILTER (WHERE status = 'ok') AS item_output_p50,
    quantile_cont(output_tokens / coalesce(batch_size, 1), 0.9) FILTER (WHERE status = 'ok') AS item_output_p90
FROM calls
WHERE feature = $feature AND origin = 'log' AND status <> 'rate_limited'  -- a 429 is not billed
GROUP BY ALL
ORDER BY batch_size
