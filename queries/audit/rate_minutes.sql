-- Returns, per feature and model that met a 429, the busiest minute and the lightest minute that still met one (requests and tokens).
WITH limited_pairs AS (
    -- only the pairs that met a 429 are read minute by minute
    SELECT DISTINCT feature, model FROM scope_groups WHERE status = 'rate_limited'
), minutes AS (
    SELECT coalesce(m.feature, '(untagged)') AS feature, coalesce(a.model, m.model, '(unknown)') AS model, m.minute, sum(m.requests) AS requests, sum(m.tokens) AS tokens,
        sum(m.limited) AS limited
    FROM call_minutes AS m
    LEFT JOIN price_aliases AS a
        ON a.alias = price_key(m.model) AND in_span(CAST(m.minute AS DATE), a.valid_from, a.valid_to),
        scope AS s
    WHERE in_scope(CAST(m.minute AS DATE), m.feature, s.scope_since, s.scope_until, s.scope_feature)
        AND coalesce(m.feature, '(untagged)') IN (SELECT feature FROM limited_pairs)
    GROUP BY ALL
)
SELECT
    m.feature, m.model, max(requests) AS peak_rpm, max(tokens) AS peak_tpm,
    min(requests) FILTER (WHERE limited > 0) AS rpm_at_429, min(tokens) FILTER (WHERE limited > 0) AS tpm_at_429
FROM minutes AS m SEMI JOIN limited_pairs AS p ON p.feature = m.feature AND p.model = m.model
GROUP BY ALL
HAVING sum(limited) > 0
ORDER BY m.feature, m.model
