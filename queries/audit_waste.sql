-- Returns, per feature and model, the calls that bought nothing: truncations and the retries after them, paid failures, 429s and paid retries after them.
WITH ordered AS (
    SELECT *,
        input_tokens + output_tokens > 0 AS billed,
        lag(finish_reason) OVER w AS previous_finish,
        lag(status) OVER w AS previous_status
    FROM scope_calls
    WINDOW w AS (PARTITION BY feature, coalesce(order_id, '') ORDER BY ts, source_id, line)
)
SELECT
    feature, model,
    count(*) FILTER (WHERE billed) AS billed_calls,
    count(*) FILTER (WHERE finish_reason = 'length') AS truncated,
    coalesce(sum(cost_usd) FILTER (WHERE finish_reason = 'length'), 0) AS truncated_usd,
    count(*) FILTER (WHERE attempt > 1 AND previous_finish = 'length') AS truncation_retries,
    coalesce(sum(cost_usd) FILTER (WHERE attempt > 1 AND previous_finish = 'length'), 0) AS truncation_retries_usd,
    count(*) FILTER (WHERE status = 'error' AND billed) AS paid_failures,
    coalesce(sum(cost_usd) FILTER (WHERE status = 'error' AND billed), 0) AS paid_failures_usd,
    count(*) FILTER (WHERE attempt > 1) AS retries,
    count(*) FILTER (WHERE status = 'rate_limited') AS rate_limited,
    count(*) FILTER (WHERE attempt > 1 AND previous_status = 'rate_limited' AND billed) AS paid_retries_after_429,
    coalesce(sum(cost_usd) FILTER (WHERE attempt > 1 AND previous_status = 'rate_limited' AND billed), 0) AS paid_retries_after_429_usd,
    count(*) FILTER (WHERE billed AND NOT priced) AS unpriced_calls
FROM ordered
GROUP BY ALL
ORDER BY feature, model
