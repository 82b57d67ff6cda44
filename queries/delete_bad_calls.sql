-- Returns the number of rows removed: the bad records of one source, once reported.
DELETE FROM calls WHERE source_id = $source_id AND origin = 'bad'
