-- Creates token_count(x): a token count from a JSON value's text: 0 when absent or "", a whole number from 0 to
-- 10^10 written as a number or a numeric string (4.0 too); NULL when it is anything else (token_problem says what).
CREATE OR REPLACE TEMP MACRO token_count(x) AS
    CASE WHEN x IS NULL OR x = '""' THEN 0
         WHEN isfinite(json_number(x)) AND json_number(x) = floor(json_number(x))
             AND json_number(x) BETWEEN 0 AND 10000000000 THEN CAST(json_number(x) AS BIGINT)
    END
