-- Creates is_ascii(s): true for NULL or ASCII-only text, where DuckDB's lower() and Python's agree.
CREATE OR REPLACE TEMP MACRO is_ascii(s) AS s IS NULL OR NOT regexp_matches(s, '[^\x00-\x7f]')
