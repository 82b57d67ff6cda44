-- Returns the number of placeholders removed: the lines the line readers have read in their place.
DELETE FROM calls WHERE source_id = $source_id AND origin = 'pending'
