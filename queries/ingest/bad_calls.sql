-- Returns (source, line, item, reason, how many in all) of the first $shown bad records of each of $sources, in file order.
SELECT source_id, line, item, error, count(*) OVER (PARTITION BY source_id) AS total
FROM calls
WHERE source_id IN (SELECT unnest($sources)) AND origin = 'bad'
QUALIFY row_number() OVER (PARTITION BY source_id ORDER BY line, item) <= $shown
ORDER BY source_id, line, item
