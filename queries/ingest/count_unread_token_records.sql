-- Returns (source, records, keys) for each of $sources whose incoming records name token counts (as
-- record_token_keys finds them) but gave no call and were not refused or passed over: what a file holds that its
-- mapping did not read, said rather than left out in silence.
WITH unread AS (
    -- the records that gave no call, first: only they are searched for keys
    SELECT r.source_id, r.line, r.item, r.record
    FROM incoming_records AS r
    ANTI JOIN (SELECT source_id, line, item FROM calls WHERE source_id IN (SELECT unnest($sources))) AS c
        ON c.source_id = r.source_id AND c.line = r.line AND c.item = r.item
    WHERE r.source_id IN (SELECT unnest($sources)) AND r.record ILIKE '%token%'
), named AS (
    SELECT source_id, line, item, unnest(regexp_extract_all(record, '\\?"([^"\\]{1,100})\\?"\s*:\s*\\?"?\d', 1)) AS k
    FROM unread
)
SELECT source_id, count(DISTINCT (line, item)) AS records, list(DISTINCT k ORDER BY k)[:8] AS keys
FROM named
WHERE names_tokens(k, $camel, $token_words, $limit_words)
GROUP BY source_id
