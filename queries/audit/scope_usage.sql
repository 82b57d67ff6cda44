-- Creates scope_usage: the priced usage buckets that start in the scope's period, with the part of the bill each is,
-- whether logged calls can explain it, and whether it is ungrouped (tokens with no model: unpriceable).
CREATE OR REPLACE TEMP TABLE scope_usage AS
SELECT
    CAST(u.bucket_start AS DATE) AS day,
    coalesce(u.project_id, '(none)') AS project,
    coalesce(u.api_key_id, '(none)') AS api_key,
    coalesce(u.model, '(unknown)') AS model,
    u.price_model, u.tier, u.service_tier, u.endpoint, u.requests, u.input_tokens, u.cached_tokens, u.output_tokens,
    u.priced, u.cost_usd,
    coalesce(e.line_item, u.endpoint) AS line_item,
    coalesce(e.attributable, true) AS attributable,
    u.model IS NULL AND e.unit IS NULL AND u.input_tokens + u.output_tokens > 0 AS ungrouped
FROM priced_usage AS u
LEFT JOIN usage_endpoints AS e ON e.name = u.endpoint, scope AS s
-- the bill is not split by feature: a report narrowed to one feature has no billed side
WHERE in_scope(CAST(u.bucket_start AS DATE), NULL, s.scope_since, s.scope_until, NULL) AND s.scope_feature IS NULL
