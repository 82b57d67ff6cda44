-- Returns the number of rows removed: the refused and passed-over records of $sources, once reported.
DELETE FROM calls WHERE source_id IN (SELECT unnest($sources)) AND origin IN ('bad', 'passed')
