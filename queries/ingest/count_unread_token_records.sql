-- Returns (source, records, keys) for each of $sources whose incoming records name token counts (as
-- record_token_keys finds them) but gave no call and were not refused or passed over: what a file holds that its
-- mapping did not read, said rather than left out in silence.
SELECT r.source_id, count(DISTINCT (r.line, r.item)) AS records, list(DISTINCT r.k ORDER BY r.k)[:8] AS keys
FROM (
    SELECT source_id, line, item, unnest(regexp_extract_all(record, '\\?"([^"\\]{1,100})\\?"\s*:\s*\\?"?\d', 1)) AS k
    FROM incoming_records
    WHERE source_id IN (SELECT unnest($sources)) AND record ILIKE '%token%'
) AS r
ANTI JOIN calls AS c ON c.source_id = r.source_id AND c.line = r.line AND c.item = r.item
WHERE names_tokens(r.k, $camel, $token_words, $limit_words)
GROUP BY r.source_id
