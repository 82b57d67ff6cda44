-- Creates json_whole(x): records._whole of a JSON value's text: an INTEGER from canonical digits (a JSON number or
-- a string) within +-(2^31 - 1), else NULL (absent, "", or a value Python must read).
CREATE OR REPLACE TEMP MACRO json_whole(x) AS
    CASE WHEN CAST(TRY_CAST(json_unquoted(x) AS BIGINT) AS VARCHAR) = json_unquoted(x)
        AND abs(TRY_CAST(json_unquoted(x) AS BIGINT)) <= 2147483647
        THEN CAST(json_unquoted(x) AS INTEGER)
    END
