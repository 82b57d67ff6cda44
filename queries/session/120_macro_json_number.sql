-- Creates json_number(x): a JSON value's text as a DOUBLE when it is a number or a numeric string; NULL otherwise
-- (true, false, objects, arrays, words).
CREATE OR REPLACE TEMP MACRO json_number(x) AS TRY_CAST(json_unquoted(x) AS DOUBLE)
