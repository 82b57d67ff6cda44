-- Appends one chunk of parsed calls (registered as incoming_chunk) to the staging table.
INSERT INTO incoming_calls BY NAME SELECT * FROM incoming_chunk
