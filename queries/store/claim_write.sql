-- Returns nothing; a team store's writers each alter the meta table and write this one row, so that of two writers
-- whose work overlaps in time the second to commit is told of the conflict (DuckLake refuses an insert into a table
-- another transaction altered) and runs its work again on what the first stored.
COMMENT ON TABLE meta IS 'costcap: key/value facts about the store; altered by every write to a team store';
DELETE FROM meta WHERE key = 'last_write';
INSERT INTO meta VALUES ('last_write', CAST(now() AS VARCHAR))
