-- Creates meta: key/value facts about the store, among them schema_version.
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)
