-- Returns (source, rows) for each of $sources holding calls that another source's rows count.
SELECT source_id, count(*) FROM call_copies WHERE source_id IN (SELECT unnest($sources)) GROUP BY source_id
