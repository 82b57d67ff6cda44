-- Creates usage: one row per usage-export bucket and group (project, key, model, batch, tier).
CREATE TABLE IF NOT EXISTS usage (
    source_id INTEGER NOT NULL,
    line BIGINT NOT NULL,
    bucket_start TIMESTAMP NOT NULL,     -- UTC
    bucket_end TIMESTAMP,
    project_id VARCHAR,
    user_id VARCHAR,
    api_key_id VARCHAR,
    model VARCHAR,
    batch BOOLEAN,
    service_tier VARCHAR,
    tier VARCHAR NOT NULL,
    requests BIGINT NOT NULL,
    input_tokens BIGINT NOT NULL,
    cached_tokens BIGINT NOT NULL,
    cache_write_tokens BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL
)
