-- Creates json_string(x): the string a JSON value's text holds, escapes decoded; NULL when it is not a string.
CREATE OR REPLACE TEMP MACRO json_string(x) AS CASE WHEN starts_with(x, '"') THEN json_extract_string(x, '$') END
