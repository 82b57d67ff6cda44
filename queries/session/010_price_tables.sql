-- Creates the session's price tables: token rates per model, date span and tier (USD per token), and prices per other unit.
CREATE OR REPLACE TEMP TABLE price_rates (
    model VARCHAR NOT NULL,
    effective_from DATE,
    effective_to DATE,
    tier VARCHAR NOT NULL,
    input DECIMAL(38, 16) NOT NULL,
    cached_input DECIMAL(38, 16) NOT NULL,
    cache_write DECIMAL(38, 16) NOT NULL,
    output DECIMAL(38, 16) NOT NULL,
    long_context_above BIGINT,
    lc_input DECIMAL(38, 16),
    lc_cached_input DECIMAL(38, 16),
    lc_cache_write DECIMAL(38, 16),
    lc_output DECIMAL(38, 16),
    audio_input DECIMAL(38, 16),          -- NULL: the model has no audio rate, its audio tokens are unpriced
    audio_cached_input DECIMAL(38, 16),
    audio_output DECIMAL(38, 16),
    image_input DECIMAL(38, 16),
    image_cached_input DECIMAL(38, 16),
    image_output DECIMAL(38, 16)
);
-- USD per unit that is not a token: per character, second, image (unit image:<size>) or tool call, per model and date
-- span; model NULL is a tool price that belongs to no model (storage, sessions, tool calls).
CREATE OR REPLACE TEMP TABLE unit_rates (
    model VARCHAR,
    effective_from DATE,
    effective_to DATE,
    unit VARCHAR NOT NULL,
    usd DECIMAL(38, 16) NOT NULL
)
