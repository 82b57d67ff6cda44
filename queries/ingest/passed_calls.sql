-- Returns (source, reason, records) for the records of $sources the insert passed over as calls: served from a cache,
-- or a trace's parent span whose tokens are its children's.
SELECT source_id, error, count(*) FROM calls
WHERE source_id IN (SELECT unnest($sources)) AND origin = 'passed'
GROUP BY ALL
ORDER BY source_id, error
