-- Creates sources: one row per ingested file, or per appended part of a growing log.
CREATE TABLE IF NOT EXISTS sources (
    source_id INTEGER PRIMARY KEY,
    path VARCHAR NOT NULL,          -- absolute path as given, or <stdin>
    sha256 VARCHAR NOT NULL,        -- of the (decompressed) content read up to `bytes`
    kind VARCHAR NOT NULL,          -- usage-csv | cost-csv | structlog | batch-output
    rows BIGINT NOT NULL,           -- rows stored from this part
    skipped BIGINT NOT NULL,        -- lines that were not records (other log events, empty buckets)
    bad BIGINT NOT NULL,            -- bad lines passed over with --skip-bad
    duplicates BIGINT NOT NULL,     -- calls whose request_id was already stored
    bytes BIGINT NOT NULL,          -- content consumed so far, for appended logs
    lines BIGINT NOT NULL,          -- lines consumed so far
    first_line BIGINT NOT NULL,     -- first line this part read (1 for a whole file)
    ingested_at TIMESTAMP NOT NULL
)
