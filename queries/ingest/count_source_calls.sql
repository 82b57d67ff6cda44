-- Returns (source, calls) for each of $sources that holds a call: what the files read together in one batch gave.
SELECT source_id, count(*) FROM calls WHERE source_id IN (SELECT unnest($sources)) GROUP BY source_id
