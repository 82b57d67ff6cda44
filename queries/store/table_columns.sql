-- Returns each column of one of the store's tables in order, with its type (an export writes HUGEINT sums as
-- DECIMAL(38,0), which Parquet keeps exactly where it would round a HUGEINT to a double).
SELECT column_name, data_type FROM information_schema.columns
WHERE table_schema = 'main' AND table_catalog = current_database() AND table_name = $table
ORDER BY ordinal_position
