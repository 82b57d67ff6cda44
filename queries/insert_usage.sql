-- Returns the number of rows stored; copies usage-export rows with any usage into usage (empty buckets are left out).
INSERT INTO usage
SELECT
    $source_id, line,
    bucket_time(start_time, start_time_iso),
    bucket_time(end_time, end_time_iso),
    project_id, user_id, api_key_id, model,
    coalesce(lower(batch) IN ('true', '1'), false),
    service_tier,
    CASE
        WHEN lower(batch) IN ('true', '1') THEN 'batch'
        ELSE coalesce((SELECT t.tier FROM service_tiers AS t WHERE t.name = lower(trim(service_tier))), 'default')
    END,
    as_count(requests), as_count(input_tokens), as_count(cached_tokens),
    as_count(cache_write_tokens), as_count(output_tokens)
FROM export_rows
WHERE model IS NOT NULL OR as_count(requests) + as_count(input_tokens) + as_count(output_tokens) > 0
