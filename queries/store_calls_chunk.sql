-- Returns nothing; stores one chunk of calls parsed in Python (registered as incoming_chunk).
INSERT INTO calls BY NAME SELECT * FROM incoming_chunk
