-- Returns the store's schema version as written and as a number (NULL when it is not one); no row in a new store.
SELECT value, TRY_CAST(value AS INTEGER) AS version FROM meta WHERE key = 'schema_version'
