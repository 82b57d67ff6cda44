-- Returns the store's schema version (no row in a new store).
SELECT CAST(value AS INTEGER) AS version FROM meta WHERE key = 'schema_version'
