-- Returns the names of the store's own tables, to find one that is missing.
SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_catalog = current_database()
