-- Creates calls: one row per API call seen in an application log or a Batch output file.
CREATE TABLE IF NOT EXISTS calls (
    source_id INTEGER NOT NULL,
    line BIGINT NOT NULL,
    origin VARCHAR NOT NULL,             -- log | batch (bad: a refused record, only inside an ingest)
    ts TIMESTAMP,                        -- UTC; NULL when the line had no time
    feature VARCHAR,
    batch_type VARCHAR,
    model VARCHAR,
    tier VARCHAR NOT NULL,               -- default | batch | flex | priority: the prices that bill it
    service_tier VARCHAR,
    input_tokens BIGINT NOT NULL,        -- cached and cache-write tokens included
    cached_tokens BIGINT NOT NULL,
    cache_write_tokens BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,       -- reasoning tokens included
    reasoning_tokens BIGINT NOT NULL,
    finish_reason VARCHAR,
    max_tokens BIGINT,
    status VARCHAR NOT NULL,             -- ok | error | rate_limited
    status_code INTEGER,
    error VARCHAR,
    attempt INTEGER,
    request_id VARCHAR,
    custom_id VARCHAR,
    order_id VARCHAR,
    batch_size INTEGER,
    event VARCHAR,
    reported_cost_usd DECIMAL(38, 16)    -- what the writing tool (e.g. LiteLLM) said it cost; not the bill
)
