-- Returns how many calls, usage rows and cost rows one source stored.
SELECT
    (SELECT count(*) FROM calls WHERE source_id = $source_id) AS calls,
    (SELECT count(*) FROM usage WHERE source_id = $source_id) AS usage_rows,
    (SELECT count(*) FROM costs WHERE source_id = $source_id) AS cost_rows
