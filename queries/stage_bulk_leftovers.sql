-- Returns the number of lines kept; keeps the lines of the batch that SQL could not read exactly, as written.
INSERT INTO bulk_leftovers
SELECT l.line, l.text FROM bulk_lines AS l SEMI JOIN bulk_batch AS b ON l.line = b.line AND b.route
