-- Returns the number of calls removed; drops what one source stored so far (the bulk path handing over to Python).
DELETE FROM calls WHERE source_id = $source_id
