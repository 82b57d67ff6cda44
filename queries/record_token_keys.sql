-- Returns up to 8 distinct keys ending in _tokens, at any depth, in the incoming records: what a file that gave no
-- call holds, for the error that says which --preset or --field would read it.
SELECT DISTINCT k FROM (SELECT unnest(regexp_extract_all(record, '"([A-Za-z0-9_.\-]*_tokens)"\s*:', 1)) AS k FROM incoming_records)
ORDER BY k LIMIT 8
