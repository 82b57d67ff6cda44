-- Returns nothing; notes in settle_keys the identities of the calls one source holds, before it is forgotten: the
-- other sources holding them may now have to count them.
INSERT INTO settle_keys
SELECT call_key FROM calls WHERE source_id = $source_id
UNION
SELECT call_key FROM call_copies WHERE source_id = $source_id
