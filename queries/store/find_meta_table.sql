-- Returns 1 when the database has costcap's meta table: a DuckDB file without it is not a costcap store.
SELECT count(*) FROM information_schema.tables
WHERE table_name = 'meta' AND table_schema = 'main' AND table_catalog = current_database()
