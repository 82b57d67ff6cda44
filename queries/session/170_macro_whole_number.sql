-- Creates whole_number(x): an INTEGER field (status code, max_tokens, attempt, batch size) from a JSON value's text;
-- NULL when absent or "", and when not a whole number within +-(2^31 - 1) (then the record is refused).
CREATE OR REPLACE TEMP MACRO whole_number(x) AS
    CASE WHEN isfinite(json_number(x)) AND json_number(x) = floor(json_number(x)) AND abs(json_number(x)) <= 2147483647
        THEN CAST(json_number(x) AS INTEGER)
    END
