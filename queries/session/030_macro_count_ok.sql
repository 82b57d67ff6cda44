-- Creates count_ok(x): true when an export cell is empty or a whole number >= 0 (possibly written 4.0).
CREATE OR REPLACE TEMP MACRO count_ok(x) AS
    x IS NULL OR coalesce(
        isfinite(TRY_CAST(x AS DOUBLE)) AND TRY_CAST(x AS DOUBLE) >= 0
        AND TRY_CAST(x AS DOUBLE) = floor(TRY_CAST(x AS DOUBLE)) AND TRY_CAST(x AS DOUBLE) < 1e15,
        false)
