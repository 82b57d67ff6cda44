-- Returns (source, calls) for each of $sources whose calls had times with no offset, read as UTC (no --tz given).
SELECT source_id, count(*) FROM calls WHERE source_id IN (SELECT unnest($sources)) AND naive_time GROUP BY source_id
