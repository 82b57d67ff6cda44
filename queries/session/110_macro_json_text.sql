-- Creates json_text(x): a JSON value's text as a call's text field: NULL for absent, null, false and ""; 'True' for
-- true; a string decoded; an error object as its message, code or type; numbers and arrays as their JSON text.
CREATE OR REPLACE TEMP MACRO json_text(x) AS
    CASE WHEN x IS NULL OR x IN ('null', 'false', '""') THEN NULL
         WHEN starts_with(x, '"') THEN nullif(json_string(x), '')
         WHEN x = 'true' THEN 'True'
         WHEN starts_with(x, '{') THEN coalesce(
             nullif(json_extract_string(x, '$.message'), ''), nullif(json_extract_string(x, '$.code'), ''),
             nullif(json_extract_string(x, '$.type'), ''), 'error')
         ELSE x
    END
