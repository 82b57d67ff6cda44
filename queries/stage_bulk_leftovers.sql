-- Returns the number of lines kept; keeps, as written, the lines of this batch stored as placeholders.
INSERT INTO bulk_leftovers
SELECT l.line, l.text
FROM bulk_lines AS l
SEMI JOIN calls AS c ON c.line = l.line AND c.source_id = $source_id AND c.origin = 'pending' AND c.line >= $first_line
