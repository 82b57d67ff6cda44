-- Creates priced(t): the rows of the table or view named t (calls, or groups of calls with their token sums) with the
-- catalog model that bills them (price_model), their exact cost_usd (NULL when unpriced), priced, and output_rate
-- (USD per output token). t has a model, tier, price_day, the token columns and request_input: the input of one
-- request, which decides the long-context rate.
CREATE OR REPLACE TEMP MACRO priced(t) AS TABLE
WITH keyed AS (
    -- the key computed once per row before the join, so the join is on a column (DuckDB 1.5 otherwise evaluates it
    -- for every pair of rows)
    SELECT *, price_key(model) AS price_key FROM query_table(t)
), resolved AS (
    SELECT r.* EXCLUDE (price_key), a.model AS price_model
    FROM keyed AS r
    LEFT JOIN price_aliases AS a
        ON a.alias = r.price_key
        AND in_span(r.price_day, a.valid_from, a.valid_to)
), costed AS (
    SELECT
        r.*,
        CASE
            -- what used no tokens costs nothing, whatever its model
            WHEN r.input_tokens + r.output_tokens = 0 THEN CAST(0 AS DECIMAL(38, 16))
            ELSE token_cost(r.input_tokens, r.cached_tokens, r.cache_write_tokens, r.output_tokens,
                            r.audio_input_tokens, 0, r.audio_output_tokens, r.image_input_tokens, 0, 0, r.request_input, p)
        END AS cost_usd,
        -- what one more or one fewer output token is worth
        CASE
            WHEN p.long_context_above IS NOT NULL AND r.request_input > p.long_context_above THEN p.lc_output
            ELSE p.output
        END AS output_rate
    FROM resolved AS r
    LEFT JOIN price_rates AS p
        ON p.model = r.price_model
        AND p.tier = r.tier
        AND in_span(r.price_day, p.effective_from, p.effective_to)
)
-- unpriced: no rates for the model and tier, or none for the audio or image tokens
SELECT * EXCLUDE (cost_usd, output_rate, request_input), cost_usd IS NOT NULL AS priced, cost_usd, output_rate
FROM costed
