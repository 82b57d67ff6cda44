-- Returns the first usage-export row that cannot be right: line and what is wrong with it.
SELECT line, problem FROM (
    SELECT line, CASE
        WHEN start_time IS NULL AND start_time_iso IS NULL THEN 'the row has no start_time'
        WHEN bucket_time(start_time, start_time_iso) IS NULL AND abs(utc_offset_minutes(start_time_iso)) > 840
            THEN 'start_time_iso ' || start_time_iso || ' has a UTC offset beyond 14:00, which no time zone has'
        WHEN bucket_time(start_time, start_time_iso) IS NULL THEN 'start_time ' || coalesce(start_time, start_time_iso) || ' is not a time from 1970 to 9999'
        WHEN bucket_time(start_time, start_time_iso) > $now + INTERVAL 1 DAY THEN 'start_time is in the future'
        WHEN coalesce(end_time, end_time_iso) IS NOT NULL AND bucket_time(end_time, end_time_iso) IS NULL
            THEN 'end_time ' || coalesce(end_time, end_time_iso) || ' is not a time'
        WHEN bucket_time(end_time, end_time_iso) < bucket_time(start_time, start_time_iso)
            THEN 'end_time is before start_time'
        WHEN NOT count_ok(requests) THEN 'num_model_requests ' || requests || ' is not a whole number >= 0'
        WHEN NOT count_ok(input_tokens) THEN 'input_tokens ' || input_tokens || ' is not a whole number >= 0'
        WHEN NOT count_ok(output_tokens) THEN 'output_tokens ' || output_tokens || ' is not a whole number >= 0'
        WHEN NOT count_ok(cached_tokens) THEN 'input_cached_tokens ' || cached_tokens || ' is not a whole number >= 0'
        WHEN NOT count_ok(cache_write_tokens) THEN 'input_cache_write_tokens ' || cache_write_tokens || ' is not a whole number >= 0'
        WHEN NOT count_ok(audio_input_tokens) THEN 'input_audio_tokens ' || audio_input_tokens || ' is not a whole number >= 0'
        WHEN NOT count_ok(audio_cached_tokens) THEN 'input_cached_audio_tokens ' || audio_cached_tokens || ' is not a whole number >= 0'
        WHEN NOT count_ok(audio_output_tokens) THEN 'output_audio_tokens ' || audio_output_tokens || ' is not a whole number >= 0'
        WHEN NOT count_ok(image_input_tokens) THEN 'input_image_tokens ' || image_input_tokens || ' is not a whole number >= 0'
        WHEN NOT count_ok(image_cached_tokens) THEN 'input_cached_image_tokens ' || image_cached_tokens || ' is not a whole number >= 0'
        WHEN NOT count_ok(image_output_tokens) THEN 'output_image_tokens ' || image_output_tokens || ' is not a whole number >= 0'
        WHEN quantity IS NOT NULL AND NOT coalesce(TRY_CAST(quantity AS DECIMAL(38, 6)) >= 0, false)
            THEN 'the quantity ' || quantity || ' is not a number >= 0'
        WHEN as_count(cached_tokens) + as_count(cache_write_tokens) > as_count(input_tokens) THEN 'cached tokens exceed input_tokens'
        WHEN as_count(audio_output_tokens) + as_count(image_output_tokens) > as_count(output_tokens)
            THEN 'audio and image output tokens exceed output_tokens'
        WHEN batch IS NOT NULL AND lower(batch) NOT IN ('true', 'false', '1', '0') THEN 'batch ' || batch || ' is not True or False'
    END AS problem
    FROM export_rows
)
WHERE problem IS NOT NULL
ORDER BY line
LIMIT 1
