-- Returns the rows stored. The one place a record becomes a call: every record of record_values (the records of
-- one or more sources, one JSON value per call field, picked by the file's preset) that carries token counts is stored in calls; a record that claims
-- to be a call (or every record, for Batch output, whose failed lines are failed calls) but cannot be one is stored with origin 'bad' and the reason in `error`, for the ingest to report
-- and delete. Other records (events that are not calls, summaries such as a Batch or page object) are left out.
INSERT INTO calls BY NAME
WITH typed AS MATERIALIZED (
    SELECT *,
        readable AND ($every_record OR j_input_tokens IS NOT NULL OR j_output_tokens IS NOT NULL)
            AND coalesce(plain_text(j_object), '') NOT IN ('batch', 'page', 'list', 'bucket') AS is_call,
        -- served from a cache: no call was made and nothing billed; passed over and counted
        lower(coalesce(plain_text(j_cache_hit), '')) IN ('true', '1', 'yes', 'hit') AS cache_hit,
        token_count(j_input_tokens) AS input_tokens,
        token_count(j_cached_tokens) AS cached_tokens,
        token_count(j_cache_write_tokens) AS cache_write_tokens,
        token_count(j_output_tokens) AS output_tokens,
        token_count(j_reasoning_tokens) AS reasoning_tokens,
        token_count(j_audio_input_tokens) AS audio_input_tokens,
        token_count(j_audio_output_tokens) AS audio_output_tokens,
        token_count(j_image_input_tokens) AS image_input_tokens,
        whole_number(j_status_code) AS status_code,
        whole_number(j_max_tokens) AS max_tokens,
        whole_number(j_attempt) AS attempt,
        whole_number(j_batch_size) AS batch_size,
        record_time(j_timestamp, $tz) AS ts,
        naive_time(j_timestamp) AS naive_time,
        coalesce(plain_text(j_model), $default_model) AS model,
        plain_text(j_feature) AS feature_text,
        plain_text(j_batch_type) AS batch_type,
        plain_text(j_user) AS user_text,
        plain_text(j_status) AS status_text,
        json_text(j_error) AS error_text,
        plain_text(j_service_tier) AS service_tier,
        plain_text(j_finish_reason) AS finish_text,
        plain_text(j_request_id) AS request_id,
        plain_text(j_response_id) AS response_id,
        plain_text(j_custom_id) AS custom_id,
        plain_text(j_order_id) AS order_id,
        plain_text(j_event) AS event,
        plain_text(j_span_id) AS span_id,
        plain_text(j_parent_span_id) AS parent_span_id,
        plain_text(j_span_kind) AS span_kind,
        TRY_CAST(json_unquoted(j_reported_cost_usd) AS DECIMAL(38, 16)) AS reported_cost_usd
    FROM record_values
), judged AS (
    SELECT *,
        CASE
            WHEN NOT readable THEN 'the line is not valid JSON: cut short or corrupted'
            WHEN missing IS NOT NULL THEN 'not a ' || $kind || ' line (it has no ' || missing || ')'
            WHEN not_object IS NOT NULL THEN not_object || ' is not an object'
            WHEN NOT is_call THEN NULL
            WHEN input_tokens IS NULL THEN token_problem('input_tokens', j_input_tokens)
            WHEN output_tokens IS NULL THEN token_problem('output_tokens', j_output_tokens)
            WHEN cached_tokens IS NULL THEN token_problem('cached_tokens', j_cached_tokens)
            WHEN cache_write_tokens IS NULL THEN token_problem('cache_write_tokens', j_cache_write_tokens)
            WHEN reasoning_tokens IS NULL THEN token_problem('reasoning_tokens', j_reasoning_tokens)
            WHEN audio_input_tokens IS NULL THEN token_problem('audio_input_tokens', j_audio_input_tokens)
            WHEN audio_output_tokens IS NULL THEN token_problem('audio_output_tokens', j_audio_output_tokens)
            WHEN image_input_tokens IS NULL THEN token_problem('image_input_tokens', j_image_input_tokens)
            WHEN cached_tokens + cache_write_tokens > input_tokens THEN 'cached tokens exceed the input tokens they are part of'
            WHEN reasoning_tokens > output_tokens THEN 'reasoning tokens exceed the output tokens they are part of'
            WHEN audio_input_tokens + image_input_tokens > input_tokens
                THEN 'audio and image input tokens exceed the input tokens they are part of'
            WHEN audio_output_tokens > output_tokens THEN 'audio output tokens exceed the output tokens they are part of'
            WHEN ts IS NULL AND abs(utc_offset_minutes(trim(json_string(j_timestamp)))) > 840
                THEN 'timestamp ' || left(j_timestamp, 60) || ' has a UTC offset beyond 14:00, which no time zone has'
            WHEN ts IS NULL AND j_timestamp IS NOT NULL AND j_timestamp <> '""'
                THEN 'timestamp ' || left(j_timestamp, 60) || ' is not an ISO date and time or an epoch time'
            WHEN ts < TIMESTAMP '1970-01-01' THEN 'timestamp ' || left(j_timestamp, 60) || ' is before 1970, not a time'
            WHEN ts > $now + INTERVAL 1 DAY
                THEN 'timestamp ' || left(j_timestamp, 60) || ' is in the future; check the clock or time zone that wrote it'
            WHEN status_code IS NULL AND j_status_code IS NOT NULL AND j_status_code <> '""'
                THEN 'status_code is ' || left(j_status_code, 60) || ', not a whole number'
            WHEN max_tokens IS NULL AND j_max_tokens IS NOT NULL AND j_max_tokens <> '""'
                THEN 'max_tokens is ' || left(j_max_tokens, 60) || ', not a whole number'
            WHEN attempt IS NULL AND j_attempt IS NOT NULL AND j_attempt <> '""'
                THEN 'attempt is ' || left(j_attempt, 60) || ', not a whole number'
            WHEN batch_size IS NULL AND j_batch_size IS NOT NULL AND j_batch_size <> '""'
                THEN 'batch_size is ' || left(j_batch_size, 60) || ', not a whole number'
            -- the message the ingest turns into "pass --model"
            -- (a trace's span may be a parent whose tokens are its children's: left for the pass over parent spans)
            WHEN model IS NULL AND $origin = 'log' AND input_tokens + output_tokens > 0 AND span_id IS NULL
                THEN 'the call names no model'
        END AS problem
    FROM typed
)
SELECT source_id, document_id, line, item,
    CASE WHEN problem IS NOT NULL THEN 'bad' WHEN cache_hit THEN 'passed' ELSE $origin END AS origin,
    ts,
    coalesce(
        feature_text, batch_type,
        CASE WHEN contains(user_text, ':') THEN nullif(py_strip(user_text[strpos(user_text, ':') + 1:]), '') END
    ) AS feature,
    batch_type, model,
    coalesce($tier, catalog_tier(j.service_tier)) AS tier,
    service_tier,
    coalesce(input_tokens, 0) AS input_tokens, coalesce(cached_tokens, 0) AS cached_tokens,
    coalesce(cache_write_tokens, 0) AS cache_write_tokens, coalesce(output_tokens, 0) AS output_tokens,
    coalesce(reasoning_tokens, 0) AS reasoning_tokens,
    coalesce(audio_input_tokens, 0) AS audio_input_tokens, coalesce(audio_output_tokens, 0) AS audio_output_tokens,
    coalesce(image_input_tokens, 0) AS image_input_tokens,
    -- a Responses body says why it stopped in other words
    CASE finish_text WHEN 'max_output_tokens' THEN 'length' WHEN 'completed' THEN 'stop' ELSE finish_text END AS finish_reason,
    max_tokens,
    CASE WHEN status_code = 429 OR lower(coalesce(status_text, '')) IN ('rate_limited', 'ratelimited', '429')
            OR regexp_matches(lower(coalesce(error_text, '')), '429|rate limit|ratelimit|rate_limit') THEN 'rate_limited'
        WHEN status_code >= 400 OR error_text IS NOT NULL
            OR regexp_matches(lower(coalesce(status_text, '')), 'fail|error|timeout|invalid|exception') THEN 'error'
        ELSE 'ok'
    END AS status,
    status_code,
    coalesce(problem, CASE WHEN cache_hit THEN 'a cache hit' END, error_text) AS error,
    attempt, request_id, response_id, custom_id, order_id, batch_size, event, reported_cost_usd, line_key,
    span_id, parent_span_id, span_kind, naive_time AND $tz IS NULL AS naive_time,
    -- the call's identity: its request id when it has one (the same call logged twice, or in a log and a Batch
    -- output file), else the record's text, counted as many times as a document holds it
    CASE WHEN request_id IS NULL THEN line_key ELSE hash('request:' || request_id) END AS call_key
FROM judged AS j
WHERE is_call OR problem IS NOT NULL
