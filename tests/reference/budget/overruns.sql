-- Returns, per group that has calls above its cap, what the cap would have cut: those calls, the tokens above it,
-- and those tokens priced per call (only the calls above a cap are priced).
SELECT
    coalesce(
        CASE $by WHEN 'model' THEN coalesce(c.price_model, c.model) WHEN 'batch_type' THEN c.batch_type ELSE c.feature END,
        '(untagged)'
    ) AS "group",
    count(*) AS over_cap,
    sum(c.output_tokens - caps.cap) AS overrun_tokens,
    coalesce(sum((c.output_tokens - caps.cap) * c.output_rate), 0) AS saving_usd,
    count(*) FILTER (WHERE c.output_rate IS NULL) AS unpriced_over_cap
FROM priced_calls AS c
JOIN (SELECT unnest($groups) AS "group", unnest($caps) AS cap) AS caps
    ON caps."group" = coalesce(
        CASE $by WHEN 'model' THEN coalesce(c.price_model, c.model) WHEN 'batch_type' THEN c.batch_type ELSE c.feature END,
        '(untagged)'
    )
CROSS JOIN scope AS s
WHERE c.output_tokens > caps.cap
    AND (c.status_code IS NULL OR c.status_code < 400)
    AND in_scope(CAST(c.ts AS DATE), c.feature, s.scope_since, s.scope_until, s.scope_feature)
GROUP BY ALL
