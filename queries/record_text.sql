-- Returns the JSON text of the incoming record on one line, to name the key behind a refused value.
SELECT record FROM incoming_records WHERE line = $line LIMIT 1
