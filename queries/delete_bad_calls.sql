-- Returns the number of rows removed: the bad records of $sources, once reported.
DELETE FROM calls WHERE source_id IN (SELECT unnest($sources)) AND origin = 'bad'
