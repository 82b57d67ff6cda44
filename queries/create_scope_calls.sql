-- Creates scope_calls: the priced calls of the audited period (inclusive UTC days) and feature ($feature, NULL = all),
-- with the grouping keys filled in; `model` is the snapshot that bills a call, logged_model the name logged.
CREATE OR REPLACE TEMP TABLE scope_calls AS
SELECT
    source_id, line, origin, ts, CAST(ts AS DATE) AS day,
    coalesce(feature, '(untagged)') AS feature,
    coalesce(batch_type, '(none)') AS batch_type,
    coalesce(price_model, model, '(unknown)') AS model, model AS logged_model,
    price_model, price_day, tier, service_tier, input_tokens, cached_tokens, cache_write_tokens, output_tokens,
    audio_input_tokens, audio_output_tokens, image_input_tokens,
    finish_reason, max_tokens, status, status_code, error, attempt, order_id, batch_size,
    priced, cost_usd, output_rate
FROM priced_calls
WHERE ($since IS NULL OR CAST(ts AS DATE) >= $since)
    AND ($until IS NULL OR CAST(ts AS DATE) <= $until)
    AND ($feature IS NULL OR coalesce(feature, '(untagged)') = $feature)
