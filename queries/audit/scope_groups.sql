-- Creates scope_groups, scope_orders, scope_retries and scope_values: what audit reads of the calls of the scope
-- (the period and feature a command set: scope.Scope), from the aggregates kept at ingest (or the ones
-- built for this session: see Store.aggregates), with the grouping keys filled in and each group priced. `model` is
-- the snapshot that bills the calls (gpt-4o-2024-08-06 for a call logged as gpt-4o on a day the alias named it) where
-- the catalog knows it, else the name logged; logged_model keeps the name as logged.
CREATE OR REPLACE TEMP VIEW groups_to_price AS
SELECT
    day, coalesce(day, current_date) AS price_day, night,
    coalesce(feature, '(untagged)') AS feature, coalesce(batch_type, '(none)') AS batch_type,
    coalesce(model, '(unknown)') AS model_key, model, in_order, batch_size, origin, tier, service_tier, status,
    status_code, finish_reason, retry, expired, billed, answered, long_input, coalesce(long_input, 0) AS request_input,
    audio_input, audio_output, image_input,
    sum(COLUMNS('^(calls|.*_tokens|output_squares)$')),  -- each count and sum, under its own name
    min(min_input) AS min_input, max(max_output) AS max_output, min(error_example) AS error_example
FROM call_groups, scope AS s
WHERE in_scope(day, feature, s.scope_since, s.scope_until, s.scope_feature)
GROUP BY ALL;
CREATE OR REPLACE TEMP TABLE scope_groups AS
SELECT * EXCLUDE (model, model_key), coalesce(price_model, model_key) AS model, model_key AS logged_model
FROM priced('groups_to_price');
CREATE OR REPLACE TEMP VIEW orders_to_price AS
SELECT
    order_id, day, coalesce(day, current_date) AS price_day, coalesce(feature, '(untagged)') AS feature,
    coalesce(batch_type, '(none)') AS batch_type, coalesce(model, '(unknown)') AS model_key, model, tier, billed,
    long_input, coalesce(long_input, 0) AS request_input, audio_input, audio_output, image_input,
    sum(COLUMNS('^(calls|.*_tokens)$'))  -- each count and token sum, under its own name
FROM order_groups, scope AS s
WHERE in_scope(day, feature, s.scope_since, s.scope_until, s.scope_feature)
GROUP BY ALL;
CREATE OR REPLACE TEMP TABLE scope_orders AS
SELECT * EXCLUDE (model, model_key), coalesce(price_model, model_key) AS model, model_key AS logged_model
FROM priced('orders_to_price');
CREATE OR REPLACE TEMP VIEW retries_to_price AS
SELECT
    feature, order_key, coalesce(model, '(unknown)') AS model_key, model, day, coalesce(day, current_date) AS price_day,
    after_length, after_429, tier, billed, long_input, coalesce(long_input, 0) AS request_input,
    audio_input, audio_output, image_input,
    sum(COLUMNS('^(calls|.*_tokens)$'))  -- each count and token sum, under its own name
FROM retry_groups, scope AS s
-- the call before a retry counts only inside the period: one before it is not an audited call
WHERE in_scope(day, feature, s.scope_since, s.scope_until, s.scope_feature) AND (s.scope_since IS NULL OR previous_day >= s.scope_since)
GROUP BY ALL;
CREATE OR REPLACE TEMP TABLE scope_retries AS
SELECT * EXCLUDE (model, model_key), coalesce(price_model, model_key) AS model, model_key AS logged_model
FROM priced('retries_to_price');
CREATE OR REPLACE TEMP VIEW scope_values AS
SELECT coalesce(v.feature, '(untagged)') AS feature, coalesce(a.model, v.model, '(unknown)') AS model,
    v.model AS logged_model, v.day, v.kind, v.tier, v.long_input, v.batch_size, v.value, v.calls
FROM call_values AS v
LEFT JOIN price_aliases AS a ON a.alias = price_key(v.model) AND in_span(coalesce(v.day, current_date), a.valid_from, a.valid_to),
    scope AS s
WHERE in_scope(v.day, v.feature, s.scope_since, s.scope_until, s.scope_feature)
