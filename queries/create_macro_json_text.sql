-- Creates json_text(x): records._text of a JSON value's text: NULL for absent, null, false and ""; True for true;
-- a string or a whole number as its text. NULL too for floats, objects and arrays, which the caller sends back to Python.
CREATE OR REPLACE TEMP MACRO json_text(x) AS
    CASE WHEN starts_with(x, '"') THEN nullif(json_string(x), '')
         WHEN x = 'true' THEN 'True'
         -- yyjson writes whole numbers canonically, so a round trip through BIGINT tells them from floats
         WHEN CAST(TRY_CAST(x AS BIGINT) AS VARCHAR) = x THEN x
    END
