-- Creates json_unquoted(x): a JSON value's text with the quotes of a string taken off (escapes left as they are),
-- other values as they are; the numeric readers below only accept it when it round-trips exactly.
CREATE OR REPLACE TEMP MACRO json_unquoted(x) AS CASE WHEN starts_with(x, '"') THEN substr(x, 2, length(x) - 2) ELSE x END
