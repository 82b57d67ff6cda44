-- Returns the number of calls stored; moves the calls of bulk_batch that SQL read exactly into calls.
INSERT INTO calls BY NAME
SELECT $source_id AS source_id, 'log' AS origin, * EXCLUDE (route)
FROM bulk_batch
WHERE NOT route
