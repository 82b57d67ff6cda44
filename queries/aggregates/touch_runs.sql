-- Returns nothing; notes the runs of calls (feature, order) that hold a call of one source ($sources; $every: every
-- source), while its calls are there: adding or taking them can change what came just before a retry.
INSERT INTO touched_runs
SELECT DISTINCT coalesce(feature, '(untagged)'), coalesce(order_id, '')
FROM calls
WHERE $every OR source_id IN (SELECT unnest($sources))
