-- Returns, per feature and model, the calls that bought nothing: truncations and the retries after them, paid failures, 429s and paid retries after them.
WITH after AS (
    SELECT feature, model,
        sum(calls) FILTER (WHERE after_length) AS truncation_retries,
        sum(cost_usd) FILTER (WHERE after_length) AS truncation_retries_usd,
        sum(calls) FILTER (WHERE after_429 AND billed) AS paid_retries_after_429,
        sum(cost_usd) FILTER (WHERE after_429 AND billed) AS paid_retries_after_429_usd
    FROM scope_retries
    GROUP BY ALL
), totals AS (
    SELECT feature, model,
        coalesce(sum(calls) FILTER (WHERE billed), 0) AS billed_calls,
        -- the denominator of a truncation rate, as budget counts it: calls that returned a completion
        coalesce(sum(calls) FILTER (WHERE answered AND (status_code IS NULL OR status_code < 400)), 0) AS completed_calls,
        coalesce(sum(calls) FILTER (WHERE finish_reason = 'length'), 0) AS truncated,
        coalesce(sum(cost_usd) FILTER (WHERE finish_reason = 'length'), 0) AS truncated_usd,
        coalesce(sum(calls) FILTER (WHERE status = 'error' AND billed), 0) AS paid_failures,
        coalesce(sum(cost_usd) FILTER (WHERE status = 'error' AND billed), 0) AS paid_failures_usd,
        coalesce(sum(calls) FILTER (WHERE retry), 0) AS retries,
        coalesce(sum(calls) FILTER (WHERE status = 'rate_limited'), 0) AS rate_limited,
        coalesce(sum(calls) FILTER (WHERE billed AND NOT priced), 0) AS unpriced_calls,
        sum(input_tokens + output_tokens) FILTER (WHERE billed) / sum(calls) FILTER (WHERE billed) AS tokens_per_call
    FROM scope_groups
    GROUP BY ALL
)
SELECT
    t.feature, t.model, CAST(t.billed_calls AS BIGINT) AS billed_calls, CAST(t.completed_calls AS BIGINT) AS completed_calls,
    CAST(t.truncated AS BIGINT) AS truncated, t.truncated_usd,
    CAST(coalesce(a.truncation_retries, 0) AS BIGINT) AS truncation_retries,
    coalesce(a.truncation_retries_usd, 0) AS truncation_retries_usd,
    CAST(t.paid_failures AS BIGINT) AS paid_failures, t.paid_failures_usd, CAST(t.retries AS BIGINT) AS retries,
    CAST(t.rate_limited AS BIGINT) AS rate_limited,
    CAST(coalesce(a.paid_retries_after_429, 0) AS BIGINT) AS paid_retries_after_429,
    coalesce(a.paid_retries_after_429_usd, 0) AS paid_retries_after_429_usd,
    CAST(t.unpriced_calls AS BIGINT) AS unpriced_calls, t.tokens_per_call
FROM totals AS t
LEFT JOIN after AS a ON a.feature = t.feature AND a.model = t.model
ORDER BY t.feature, t.model
