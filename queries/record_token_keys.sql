-- Returns (source, key) for up to 8 distinct keys ending in _tokens, at any depth, in the incoming records of each
-- of $sources: what a file that gave no call holds, for the error that says which --preset or --field would read it.
SELECT source_id, k FROM (
    SELECT DISTINCT source_id, k FROM (
        SELECT source_id, unnest(regexp_extract_all(record, '"([A-Za-z0-9_.\-]*_tokens)"\s*:', 1)) AS k
        FROM incoming_records WHERE source_id IN (SELECT unnest($sources))
    )
)
QUALIFY row_number() OVER (PARTITION BY source_id ORDER BY k) <= 8
ORDER BY source_id, k
