-- Returns how many tables the store's database holds (a new team store's catalog holds none).
SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_catalog = current_database()
