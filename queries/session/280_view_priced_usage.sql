-- Creates priced_usage: every usage bucket with the catalog model that bills it and its exact cost_usd (NULL when
-- unpriced): tokens of each modality at their own rates, plus any quantity billed per unit (unit_rates).
CREATE OR REPLACE TEMP VIEW priced_usage AS
WITH resolved AS (
    SELECT u.*, CAST(u.bucket_start AS DATE) AS price_day, a.model AS price_model
    FROM usage AS u
    LEFT JOIN price_aliases AS a
        ON a.alias = price_key(u.model)
        AND in_span(CAST(u.bucket_start AS DATE), a.valid_from, a.valid_to)
), tokens AS (
    SELECT
        r.*,
        r.input_tokens + r.output_tokens = 0 OR p.model IS NOT NULL AS tokens_priced,
        CASE
            WHEN r.input_tokens + r.output_tokens = 0 THEN CAST(0 AS DECIMAL(38, 16))
            -- a bucket sums many requests of unknown sizes: the long-context rule is per request, so never here (0)
            ELSE token_cost(r.input_tokens, r.cached_tokens, r.cache_write_tokens, r.output_tokens,
                            r.audio_input_tokens, r.audio_cached_tokens, r.audio_output_tokens,
                            r.image_input_tokens, r.image_cached_tokens, r.image_output_tokens, 0, p)
        END AS token_usd
    FROM resolved AS r
    LEFT JOIN price_rates AS p
        ON p.model = r.price_model
        AND p.tier = r.tier
        AND in_span(r.price_day, p.effective_from, p.effective_to)
), units AS (
    -- the model's own price for the unit first (a search model's query fee), else the tool price (model NULL)
    SELECT t.*, coalesce(own.usd, tool.usd) AS unit_usd
    FROM tokens AS t
    LEFT JOIN unit_rates AS own
        ON t.unit IS NOT NULL AND own.unit = t.unit AND own.model = t.price_model
        AND in_span(t.price_day, own.effective_from, own.effective_to)
    LEFT JOIN unit_rates AS tool
        ON t.unit IS NOT NULL AND tool.unit = t.unit AND tool.model IS NULL
        AND in_span(t.price_day, tool.effective_from, tool.effective_to)
)
SELECT
    * EXCLUDE (tokens_priced, token_usd, unit_usd),
    tokens_priced AND token_usd IS NOT NULL AND (coalesce(quantity, 0) = 0 OR unit_usd IS NOT NULL) AS priced,
    CASE
        WHEN coalesce(quantity, 0) = 0 THEN token_usd
        ELSE token_usd + CAST(quantity * unit_usd AS DECIMAL(38, 16))
    END AS cost_usd
FROM units
