-- Returns the number of data rows in the loaded export.
SELECT count(*) AS n FROM raw_export
