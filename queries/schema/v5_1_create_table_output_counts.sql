-- Returns nothing; schema version 5: how many calls of each source answered with each number of completion tokens,
-- per day, feature, batch type, model, logged cap and truncation: budget's distributions, kept at ingest so a
-- budget reads as many rows as there are distinct values, not one per call. Only calls that returned a completion
-- (output tokens above zero, no HTTP error) are counted, the population budget measures.
CREATE TABLE IF NOT EXISTS output_counts (
    source_id INTEGER NOT NULL,
    day DATE,
    feature VARCHAR,
    batch_type VARCHAR,
    model VARCHAR,
    max_tokens BIGINT,
    truncated BOOLEAN NOT NULL,
    output_tokens BIGINT NOT NULL,
    calls BIGINT NOT NULL
)
