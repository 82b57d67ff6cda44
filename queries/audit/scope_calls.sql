-- Creates scope_calls: the priced calls of the scope (its period and feature: scope.Scope),
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
FROM priced_calls, scope AS s
WHERE in_scope(CAST(ts AS DATE), feature, s.scope_since, s.scope_until, s.scope_feature)
