-- Returns, per feature and model that met a 429, the busiest minute and the lightest minute that still met one (requests and tokens).
WITH minutes AS (
    SELECT feature, model, date_trunc('minute', ts) AS minute, count(*) AS requests,
        sum(input_tokens + output_tokens) AS tokens, count(*) FILTER (WHERE status = 'rate_limited') AS limited
    FROM scope_calls WHERE ts IS NOT NULL
    GROUP BY ALL
)
SELECT
    feature, model, max(requests) AS peak_rpm, max(tokens) AS peak_tpm,
    min(requests) FILTER (WHERE limited > 0) AS rpm_at_429, min(tokens) FILTER (WHERE limited > 0) AS tpm_at_429
FROM minutes
GROUP BY ALL
HAVING sum(limited) > 0
ORDER BY feature, model
