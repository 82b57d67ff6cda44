-- Creates token_cost(): exact USD for one row's tokens at per-token rates; long-context rates bill the whole request above the threshold.
CREATE OR REPLACE TEMP MACRO token_cost(inp, cached, written, outp, p) AS
    CASE
        WHEN p.long_context_above IS NOT NULL AND inp > p.long_context_above THEN
            (inp - cached - written) * p.lc_input + cached * p.lc_cached_input
            + written * p.lc_cache_write + outp * p.lc_output
        ELSE
            (inp - cached - written) * p.input + cached * p.cached_input
            + written * p.cache_write + outp * p.output
    END
