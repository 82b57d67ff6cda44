-- Returns, per feature and model that met a 429, the busiest minute and the lightest minute that still met one (requests and tokens).
SELECT
    feature, model, max(requests) AS peak_rpm, max(tokens) AS peak_tpm,
    min(requests) FILTER (WHERE limited > 0) AS rpm_at_429, min(tokens) FILTER (WHERE limited > 0) AS tpm_at_429
FROM scope_minutes
GROUP BY ALL
HAVING sum(limited) > 0
ORDER BY feature, model
