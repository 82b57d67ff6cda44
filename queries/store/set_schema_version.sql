-- Records the schema version the store now has.
INSERT OR REPLACE INTO meta VALUES ('schema_version', CAST($version AS VARCHAR))
