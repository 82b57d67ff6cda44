-- Returns nothing; notes the runs of calls (feature, order) that hold a call of one source ($source_id; NULL: every
-- source), while its calls are there: adding or taking them can change what came just before a retry.
INSERT INTO touched_runs
SELECT DISTINCT coalesce(feature, '(untagged)'), coalesce(order_id, '')
FROM calls
WHERE $source_id IS NULL OR source_id = $source_id
