-- Creates json_count(x): records.count of a JSON value's text: 0 when absent or "", the number for canonical digits
-- (a JSON number or a string) up to records.MAX_TOKENS_PER_CALL, else NULL (Python reads or rejects the line).
CREATE OR REPLACE TEMP MACRO json_count(x) AS
    CASE WHEN x IS NULL OR x = '""' THEN 0
         WHEN CAST(TRY_CAST(json_unquoted(x) AS BIGINT) AS VARCHAR) = json_unquoted(x)
             AND TRY_CAST(json_unquoted(x) AS BIGINT) BETWEEN 0 AND 10000000000
             THEN TRY_CAST(json_unquoted(x) AS BIGINT)
    END
