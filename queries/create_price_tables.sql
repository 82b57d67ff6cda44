-- Creates the session's price tables: rates per model, date span and tier, USD per token.
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
    lc_output DECIMAL(38, 16)
)
