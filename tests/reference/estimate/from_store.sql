-- Returns, per batch size of one feature's logged calls: attempts, the share that failed, and of the calls that
-- succeeded the input per call (mean and p50) and the output per item (mean, p50 and p90).
SELECT
    coalesce(batch_size, 1) AS batch_size,
    count(*) AS attempts,
    count(*) FILTER (WHERE status = 'error') / count(*) AS failure_rate,
    avg(input_tokens) FILTER (WHERE status = 'ok') AS prompt_mean,
    quantile_cont(input_tokens, 0.5) FILTER (WHERE status = 'ok') AS prompt_p50,
    avg(output_tokens / coalesce(batch_size, 1)) FILTER (WHERE status = 'ok') AS item_output_mean,
    quantile_cont(output_tokens / coalesce(batch_size, 1), 0.5) FILTER (WHERE status = 'ok') AS item_output_p50,
    quantile_cont(output_tokens / coalesce(batch_size, 1), 0.9) FILTER (WHERE status = 'ok') AS item_output_p90
FROM calls
WHERE feature = $feature AND origin = 'log' AND status <> 'rate_limited'  -- a 429 is not billed
GROUP BY ALL
ORDER BY batch_size
