-- Returns (line, reason) of the first bad records of one source, in file order, and how many there are in all.
SELECT line, error, count(*) OVER () AS total FROM calls
WHERE source_id = $source_id AND origin = 'bad' ORDER BY line LIMIT 5
