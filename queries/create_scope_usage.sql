-- Creates scope_usage: the priced usage-export buckets that start in the audited period.
CREATE OR REPLACE TEMP TABLE scope_usage AS
SELECT
    CAST(bucket_start AS DATE) AS day,
    coalesce(project_id, '(none)') AS project,
    coalesce(api_key_id, '(none)') AS api_key,
    coalesce(model, '(unknown)') AS model,
    price_model, tier, requests, input_tokens, cached_tokens, output_tokens, priced, cost_usd
FROM priced_usage
WHERE ($since IS NULL OR CAST(bucket_start AS DATE) >= $since)
    AND ($until IS NULL OR CAST(bucket_start AS DATE) <= $until)
