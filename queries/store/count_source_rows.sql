-- Returns how many calls one source counts, how many it holds that another source's rows count, and its usage and
-- cost rows.
SELECT
    (SELECT count(*) FROM calls WHERE source_id = $source_id) AS calls,
    (SELECT count(*) FROM call_copies WHERE source_id = $source_id) AS copies,
    (SELECT count(*) FROM usage WHERE source_id = $source_id) AS usage_rows,
    (SELECT count(*) FROM costs WHERE source_id = $source_id) AS cost_rows
