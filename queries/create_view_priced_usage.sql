-- Creates priced_usage: every usage-export bucket with the catalog model that bills it and its exact cost_usd (NULL when unpriced).
CREATE OR REPLACE TEMP VIEW priced_usage AS
WITH resolved AS (
    SELECT u.*, CAST(u.bucket_start AS DATE) AS price_day, a.model AS price_model
    FROM usage AS u
    LEFT JOIN price_aliases AS a
        ON a.alias = u.model
        AND (a.valid_from IS NULL OR CAST(u.bucket_start AS DATE) >= a.valid_from)
        AND (a.valid_to IS NULL OR CAST(u.bucket_start AS DATE) < a.valid_to)
)
SELECT
    r.*,
    (p.model IS NOT NULL OR r.input_tokens + r.output_tokens = 0) AS priced,
    CASE
        WHEN r.input_tokens + r.output_tokens = 0 THEN CAST(0 AS DECIMAL(38, 16))
        -- a bucket sums many requests of unknown sizes: the long-context rule is per request, so never here (0)
        ELSE token_cost(r.input_tokens, r.cached_tokens, r.cache_write_tokens, r.output_tokens, 0, p)
    END AS cost_usd
FROM resolved AS r
LEFT JOIN price_rates AS p
    ON p.model = r.price_model
    AND p.tier = r.tier
    AND (p.effective_from IS NULL OR r.price_day >= p.effective_from)
    AND (p.effective_to IS NULL OR r.price_day < p.effective_to)
