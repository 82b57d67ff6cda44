-- Returns the JSON text of one incoming record (source, line and item), to name the key behind a refused value.
SELECT record FROM incoming_records WHERE source_id = $source_id AND line = $line AND item = $item LIMIT 1
