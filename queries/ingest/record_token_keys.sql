-- Returns (source, key) for up to 8 distinct keys that name token counts (data/vocabulary.toml [names]: $camel,
-- $token_words, $limit_words), at any depth, in the incoming records of each of $sources: what a file that gave no
-- call holds, for the error that says which --preset or --field would read it.
SELECT source_id, k FROM (
    SELECT DISTINCT source_id, k FROM (
        -- every key before a number, also inside a JSON string, where its quotes are escaped
        SELECT source_id, unnest(regexp_extract_all(record, '\\?"([^"\\]{1,100})\\?"\s*:\s*\\?"?\d', 1)) AS k
        FROM incoming_records
        WHERE source_id IN (SELECT unnest($sources)) AND record ILIKE '%token%'
    )
    WHERE names_tokens(k, $camel, $token_words, $limit_words)
)
QUALIFY row_number() OVER (PARTITION BY source_id ORDER BY k) <= 8
ORDER BY source_id, k
