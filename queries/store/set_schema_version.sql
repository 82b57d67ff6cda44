-- Records the schema version the store now has (a delete and an insert: a team store keeps no primary key).
DELETE FROM meta WHERE key = 'schema_version';
INSERT INTO meta VALUES ('schema_version', CAST($version AS VARCHAR))
