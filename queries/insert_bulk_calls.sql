-- Returns the rows stored: the calls among the lines in bulk_fields, as records.to_call would make them, into calls;
-- a line SQL cannot read exactly goes in as a placeholder (origin 'pending') for the line readers to take over.
-- Blank lines and other events are left out. Straight into calls, not through a table per batch: a table replaced
-- inside the ingest's one transaction stays in memory until it commits.
INSERT INTO calls BY NAME
-- MATERIALIZED: each record is parsed once, and each value computed once, not once per expression that reads it
WITH fields AS MATERIALIZED (
    SELECT * FROM bulk_fields WHERE NOT blank
), typed AS MATERIALIZED (
    SELECT *,
        j_input_tokens IS NOT NULL OR j_output_tokens IS NOT NULL AS is_call,
        json_count(j_input_tokens) AS input_tokens,
        json_count(j_cached_tokens) AS cached_tokens,
        json_count(j_cache_write_tokens) AS cache_write_tokens,
        json_count(j_output_tokens) AS output_tokens,
        json_count(j_reasoning_tokens) AS reasoning_tokens,
        json_whole(j_status_code) AS status_code,
        json_whole(j_max_tokens) AS max_tokens,
        json_whole(j_attempt) AS attempt,
        json_whole(j_batch_size) AS batch_size,
        json_time(j_timestamp) AS ts,
        json_text(j_model) AS model_text,
        json_text(j_feature) AS feature_text,
        json_text(j_batch_type) AS batch_type,
        json_text(j_user) AS user_text,
        json_text(j_status) AS status_text,
        json_text(j_error) AS error,
        json_text(j_service_tier) AS service_tier,
        json_text(j_finish_reason) AS finish_reason,
        json_text(j_request_id) AS request_id,
        json_text(j_custom_id) AS custom_id,
        json_text(j_order_id) AS order_id,
        json_text(j_event) AS event
    FROM fields
), checked AS (
    SELECT *,
        coalesce(model_text, $default_model) AS model,
        -- a value SQL could not read is NULL where its JSON text is something other than absent, null, false or ""
        coalesce(
            (j_model IS NULL OR j_model IN ('false', '""') OR model_text IS NOT NULL)
            AND (j_feature IS NULL OR j_feature IN ('false', '""') OR feature_text IS NOT NULL)
            AND (j_batch_type IS NULL OR j_batch_type IN ('false', '""') OR batch_type IS NOT NULL)
            AND (j_user IS NULL OR j_user IN ('false', '""') OR user_text IS NOT NULL)
            AND (j_status IS NULL OR j_status IN ('false', '""') OR status_text IS NOT NULL)
            AND (j_error IS NULL OR j_error IN ('false', '""') OR error IS NOT NULL)
            AND (j_service_tier IS NULL OR j_service_tier IN ('false', '""') OR service_tier IS NOT NULL)
            AND (j_finish_reason IS NULL OR j_finish_reason IN ('false', '""') OR finish_reason IS NOT NULL)
            AND (j_request_id IS NULL OR j_request_id IN ('false', '""') OR request_id IS NOT NULL)
            AND (j_custom_id IS NULL OR j_custom_id IN ('false', '""') OR custom_id IS NOT NULL)
            AND (j_order_id IS NULL OR j_order_id IN ('false', '""') OR order_id IS NOT NULL)
            AND (j_event IS NULL OR j_event IN ('false', '""') OR event IS NOT NULL)
            AND (j_status_code IS NULL OR j_status_code = '""' OR status_code IS NOT NULL)
            AND (j_max_tokens IS NULL OR j_max_tokens = '""' OR max_tokens IS NOT NULL)
            AND (j_attempt IS NULL OR j_attempt = '""' OR attempt IS NOT NULL)
            AND (j_batch_size IS NULL OR j_batch_size = '""' OR batch_size IS NOT NULL)
            -- records.timestamp refuses a time more than a day ahead
            AND (j_timestamp IS NULL OR j_timestamp = '""' OR ts <= $now + INTERVAL 1 DAY)
            AND input_tokens IS NOT NULL AND cached_tokens IS NOT NULL AND cache_write_tokens IS NOT NULL
            AND output_tokens IS NOT NULL AND reasoning_tokens IS NOT NULL
            AND cached_tokens + cache_write_tokens <= input_tokens AND reasoning_tokens <= output_tokens
            -- records.to_call refuses a call with tokens and no model
            AND (coalesce(model_text, $default_model) IS NOT NULL OR input_tokens + output_tokens = 0)
            AND is_ascii(status_text) AND is_ascii(error) AND is_ascii(service_tier),
            false) AS exact
    FROM typed
)
SELECT $source_id AS source_id, line,
    CASE WHEN NOT plain OR dotted OR (is_call AND NOT exact) THEN 'pending' ELSE 'log' END AS origin,
    ts,
    coalesce(
        feature_text, batch_type,
        CASE WHEN contains(user_text, ':') THEN nullif(py_strip(user_text[strpos(user_text, ':') + 1:]), '') END
    ) AS feature,
    batch_type, model,
    CASE lower(py_strip(coalesce(service_tier, '')))
        WHEN 'flex' THEN 'flex' WHEN 'priority' THEN 'priority' WHEN 'batch' THEN 'batch' ELSE 'default'
    END AS tier,
    service_tier,
    -- a placeholder's unreadable counts are stored as 0 until it is deleted
    coalesce(input_tokens, 0) AS input_tokens, coalesce(cached_tokens, 0) AS cached_tokens,
    coalesce(cache_write_tokens, 0) AS cache_write_tokens, coalesce(output_tokens, 0) AS output_tokens,
    coalesce(reasoning_tokens, 0) AS reasoning_tokens,
    finish_reason, max_tokens,
    CASE WHEN status_code = 429 OR lower(coalesce(status_text, '')) IN ('rate_limited', 'ratelimited', '429')
            OR regexp_matches(lower(coalesce(error, '')), '429|rate limit|ratelimit|rate_limit') THEN 'rate_limited'
        WHEN status_code >= 400 OR error IS NOT NULL
            OR lower(coalesce(status_text, '')) IN ('error', 'failed', 'failure', 'timeout', 'invalid', 'exception')
            OR regexp_matches(lower(coalesce(status_text, '')), 'fail|error') THEN 'error'
        ELSE 'ok'
    END AS status,
    status_code, error, attempt, request_id, custom_id, order_id, batch_size, event
FROM checked
WHERE NOT plain OR dotted OR is_call
