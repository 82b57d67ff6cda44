-- Returns, per feature and model, the calls that bought nothing: truncations and the retries after them, paid failures, 429s and paid retries after them.
WITH retried AS (
    -- what came just before a call matters only for retries, so only groups holding one are put in order
    SELECT DISTINCT feature, coalesce(order_id, '') AS order_key FROM scope_calls WHERE attempt > 1
), ordered AS (
    SELECT c.feature, c.model, c.attempt, c.cost_usd, c.input_tokens + c.output_tokens > 0 AS billed,
        lag(c.finish_reason) OVER w AS previous_finish,
        lag(c.status) OVER w AS previous_status
    FROM scope_calls AS c
    SEMI JOIN retried AS r ON r.feature = c.feature AND r.order_key = coalesce(c.order_id, '')
    WINDOW w AS (PARTITION BY c.feature, coalesce(c.order_id, '') ORDER BY c.ts, c.source_id, c.line)
), after AS (
    SELECT feature, model,
        count(*) FILTER (WHERE attempt > 1 AND previous_finish = 'length') AS truncation_retries,
        sum(cost_usd) FILTER (WHERE attempt > 1 AND previous_finish = 'length') AS truncation_retries_usd,
        count(*) FILTER (WHERE attempt > 1 AND previous_status = 'rate_limited' AND billed) AS paid_retries_after_429,
        sum(cost_usd) FILTER (WHERE attempt > 1 AND previous_status = 'rate_limited' AND billed) AS paid_retries_after_429_usd
    FROM ordered
    GROUP BY ALL
), totals AS (
    SELECT feature, model,
        count(*) FILTER (WHERE input_tokens + output_tokens > 0) AS billed_calls,
        -- the denominator of a truncation rate, as budget counts it: calls that returned a completion
        count(*) FILTER (WHERE output_tokens > 0 AND (status_code IS NULL OR status_code < 400)) AS completed_calls,
        count(*) FILTER (WHERE finish_reason = 'length') AS truncated,
        coalesce(sum(cost_usd) FILTER (WHERE finish_reason = 'length'), 0) AS truncated_usd,
        count(*) FILTER (WHERE status = 'error' AND input_tokens + output_tokens > 0) AS paid_failures,
        coalesce(sum(cost_usd) FILTER (WHERE status = 'error' AND input_tokens + output_tokens > 0), 0) AS paid_failures_usd,
        count(*) FILTER (WHERE attempt > 1) AS retries,
        count(*) FILTER (WHERE status = 'rate_limited') AS rate_limited,
        count(*) FILTER (WHERE input_tokens + output_tokens > 0 AND NOT priced) AS unpriced_calls,
        avg(input_tokens + output_tokens) FILTER (WHERE input_tokens + output_tokens > 0) AS tokens_per_call
    FROM scope_calls
    GROUP BY ALL
)
SELECT
    t.feature, t.model, t.billed_calls, t.completed_calls, t.truncated, t.truncated_usd,
    coalesce(a.truncation_retries, 0) AS truncation_retries,
    coalesce(a.truncation_retries_usd, 0) AS truncation_retries_usd,
    t.paid_failures, t.paid_failures_usd, t.retries, t.rate_limited,
    coalesce(a.paid_retries_after_429, 0) AS paid_retries_after_429,
    coalesce(a.paid_retries_after_429_usd, 0) AS paid_retries_after_429_usd,
    t.unpriced_calls, t.tokens_per_call
FROM totals AS t
LEFT JOIN after AS a ON a.feature = t.feature AND a.model = t.model
ORDER BY t.feature, t.model
