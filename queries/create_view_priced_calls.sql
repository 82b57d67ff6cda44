-- Creates priced_calls: every call with the catalog model that bills it and its exact cost_usd (NULL when unpriced).
CREATE OR REPLACE TEMP VIEW priced_calls AS
WITH dated AS (
    SELECT c.*, coalesce(CAST(c.ts AS DATE), current_date) AS price_day FROM calls AS c
), resolved AS (
    SELECT d.*, a.model AS price_model
    FROM dated AS d
    LEFT JOIN price_aliases AS a
        ON a.alias = price_key(d.model)
        AND in_span(d.price_day, a.valid_from, a.valid_to)
), costed AS (
    SELECT
        r.*,
        CASE
            -- a call that used no tokens costs nothing, whatever its model
            WHEN r.input_tokens + r.output_tokens = 0 THEN CAST(0 AS DECIMAL(38, 16))
            ELSE token_cost(r.input_tokens, r.cached_tokens, r.cache_write_tokens, r.output_tokens,
                            r.audio_input_tokens, 0, r.audio_output_tokens, r.image_input_tokens, 0, 0, r.input_tokens, p)
        END AS cost_usd,
        -- USD per output token for this call, what one more or one fewer output token is worth
        CASE
            WHEN p.long_context_above IS NOT NULL AND r.input_tokens > p.long_context_above THEN p.lc_output
            ELSE p.output
        END AS output_rate
    FROM resolved AS r
    LEFT JOIN price_rates AS p
        ON p.model = r.price_model
        AND p.tier = r.tier
        AND in_span(r.price_day, p.effective_from, p.effective_to)
)
-- unpriced: no rates for the model and tier, or none for the call's audio or image tokens
SELECT * EXCLUDE (cost_usd, output_rate), cost_usd IS NOT NULL AS priced, cost_usd, output_rate FROM costed
