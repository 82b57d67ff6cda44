-- Returns the number of rows stored; copies usage rows with any usage into usage (empty buckets are left out). Each
-- row keeps its endpoint ($endpoint unless the row names its own) and the quantity that endpoint bills in its unit.
INSERT INTO usage (source_id, line, bucket_start, bucket_end, project_id, user_id, api_key_id, model, batch,
                   service_tier, tier, requests, input_tokens, cached_tokens, cache_write_tokens, output_tokens,
                   endpoint, audio_input_tokens, audio_cached_tokens, audio_output_tokens, image_input_tokens,
                   image_cached_tokens, image_output_tokens, quantity, unit, detail)
WITH rows AS (
    SELECT e.*, coalesce(e.endpoint, $endpoint) AS endpoint_name,
        bucket_time(e.start_time, e.start_time_iso) AS bucket_start,
        bucket_time(e.end_time, e.end_time_iso) AS bucket_end,
        as_count(e.cached_tokens) + as_count(e.cache_write_tokens) + as_count(e.audio_input_tokens)
            + as_count(e.image_input_tokens) > as_count(e.input_tokens) AS audio_counts_cached
    FROM export_rows AS e
)
SELECT
    $source_id, line, bucket_start, bucket_end,
    project_id, user_id, api_key_id, model,
    coalesce(lower(batch) IN ('true', '1'), false),
    service_tier,
    CASE
        WHEN lower(batch) IN ('true', '1') THEN 'batch'
        ELSE catalog_tier(service_tier)
    END,
    as_count(requests), as_count(input_tokens), as_count(cached_tokens),
    as_count(cache_write_tokens), as_count(output_tokens),
    endpoint_name,
    -- before 2026-06 input_audio_tokens counted cached audio too; the parts then add up to more than the input
    CASE WHEN audio_counts_cached THEN greatest(as_count(audio_input_tokens) - as_count(audio_cached_tokens), 0)
         ELSE as_count(audio_input_tokens) END,
    as_count(audio_cached_tokens), as_count(audio_output_tokens),
    CASE WHEN audio_counts_cached THEN greatest(as_count(image_input_tokens) - as_count(image_cached_tokens), 0)
         ELSE as_count(image_input_tokens) END,
    as_count(image_cached_tokens), as_count(image_output_tokens),
    CASE
        -- storage bills per GB-day beyond the first free GB: bytes of the bucket over its length in days
        WHEN ue.unit = 'vector_store_gb_day' THEN CAST(
            greatest(TRY_CAST(quantity AS DECIMAL(38, 6)) / 1073741824 - 1, 0)
            * coalesce(epoch(bucket_end - bucket_start) / 86400, 1) AS DECIMAL(38, 6))
        ELSE TRY_CAST(quantity AS DECIMAL(38, 6))
    END,
    CASE WHEN ue.unit = 'image' THEN 'image:' || coalesce(size, '?') ELSE ue.unit END,
    nullif(concat_ws(' ', 'size=' || size, 'source=' || source, 'context_level=' || context_level,
                     'vector_store_id=' || vector_store_id,
                     CASE WHEN ue.unit = 'vector_store_gb_day' THEN 'usage_bytes=' || quantity END), '')
FROM rows
LEFT JOIN usage_endpoints AS ue ON ue.name = endpoint_name
WHERE model IS NOT NULL
    OR as_count(requests) + as_count(input_tokens) + as_count(output_tokens) > 0
    OR coalesce(TRY_CAST(quantity AS DECIMAL(38, 6)), 0) > 0
