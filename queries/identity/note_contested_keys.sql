-- Returns nothing; notes in settle_keys the identities of the calls of $sources (just stored, all counted) that
-- another row also holds: a row of an older source, or another row of these sources. Usually none.
INSERT INTO settle_keys
WITH fresh AS MATERIALIZED (
    SELECT call_key FROM calls WHERE source_id IN (SELECT unnest($sources))
)
SELECT call_key FROM fresh GROUP BY call_key HAVING count(*) > 1
UNION
SELECT call_key FROM (
    SELECT call_key FROM calls WHERE source_id NOT IN (SELECT unnest($sources))
    UNION ALL
    SELECT call_key FROM call_copies
) AS held
SEMI JOIN fresh USING (call_key)
