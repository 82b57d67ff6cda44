-- Returns nothing; schema version 6: what audit reads instead of the calls, kept at ingest per source from its final
-- calls (count_call_groups, count_order_groups, count_call_values, count_call_minutes) and, for retries, per run of calls
-- (refresh_retry_groups). Prices are not kept: a group holds exact token sums, priced when audit runs, so a new
-- catalog or --prices applies to every stored call. A call whose input is above $floor tokens keeps its own group
-- (long_input), so that a long-context rate, which is decided per request, is applied as it would be to the call.
CREATE TABLE IF NOT EXISTS call_groups (
    source_id INTEGER NOT NULL,
    day DATE,
    night BOOLEAN,                       -- before 06:00 UTC
    feature VARCHAR,
    batch_type VARCHAR,
    model VARCHAR,
    in_order BOOLEAN NOT NULL,           -- the call carries an order id (order_groups has each order)
    batch_size INTEGER,
    origin VARCHAR NOT NULL,
    tier VARCHAR NOT NULL,
    service_tier VARCHAR,
    status VARCHAR NOT NULL,
    status_code INTEGER,
    finish_reason VARCHAR,
    retry BOOLEAN NOT NULL,              -- attempt above 1
    expired BOOLEAN NOT NULL,            -- the error says the request expired
    billed BOOLEAN NOT NULL,             -- any input or output tokens
    answered BOOLEAN NOT NULL,           -- any output tokens
    long_input BIGINT,                   -- the input, when above the floor; NULL for every other call
    audio_input BOOLEAN NOT NULL,
    audio_output BOOLEAN NOT NULL,
    image_input BOOLEAN NOT NULL,
    calls BIGINT NOT NULL,
    input_tokens BIGINT NOT NULL,
    cached_tokens BIGINT NOT NULL,
    cache_write_tokens BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    audio_input_tokens BIGINT NOT NULL,
    audio_output_tokens BIGINT NOT NULL,
    image_input_tokens BIGINT NOT NULL,
    output_squares HUGEINT NOT NULL,     -- for the spread of completion sizes, exactly
    min_input BIGINT NOT NULL,
    max_output BIGINT NOT NULL,
    error_example VARCHAR
);
-- per order: what its calls cost, for the cost per order and the spend of each order
CREATE TABLE IF NOT EXISTS order_groups (
    source_id INTEGER NOT NULL,
    order_id VARCHAR NOT NULL,
    day DATE,
    feature VARCHAR,
    batch_type VARCHAR,
    model VARCHAR,
    tier VARCHAR NOT NULL,
    billed BOOLEAN NOT NULL,
    long_input BIGINT,
    audio_input BOOLEAN NOT NULL,
    audio_output BOOLEAN NOT NULL,
    image_input BOOLEAN NOT NULL,
    calls BIGINT NOT NULL,
    input_tokens BIGINT NOT NULL,
    cached_tokens BIGINT NOT NULL,
    cache_write_tokens BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    audio_input_tokens BIGINT NOT NULL,
    audio_output_tokens BIGINT NOT NULL,
    image_input_tokens BIGINT NOT NULL
);
-- how many calls had each token count, for exact percentiles: kind input and output (billed calls), uncached (the
-- uncached input of prompts of 1,024 tokens or more, with the
-- tier and long_input its discount needs), prompt_ok and output_ok (logged calls that succeeded, per batch size,
-- with no day or model: estimate reads them over the whole store)
CREATE TABLE IF NOT EXISTS call_values (
    source_id INTEGER NOT NULL,
    day DATE,
    feature VARCHAR,
    model VARCHAR,
    kind VARCHAR NOT NULL,
    tier VARCHAR,
    long_input BIGINT,
    batch_size INTEGER,
    value BIGINT NOT NULL,
    calls BIGINT NOT NULL
);
-- per minute, feature and model: requests, tokens and 429s, for pacing
CREATE TABLE IF NOT EXISTS call_minutes (
    source_id INTEGER NOT NULL,
    minute TIMESTAMP NOT NULL,
    feature VARCHAR,
    model VARCHAR,
    requests BIGINT NOT NULL,
    tokens BIGINT NOT NULL,
    limited BIGINT NOT NULL
);
-- the retries that came just after a truncation or a 429 in their run of calls (one feature and order, in time
-- order, over every source): a retry's predecessor can sit in another file, so a run is recounted whenever a source
-- adds calls to it or is forgotten (previous_day: the predecessor's day, for a period that starts between them)
CREATE TABLE IF NOT EXISTS retry_groups (
    feature VARCHAR NOT NULL,
    order_key VARCHAR NOT NULL,
    model VARCHAR,
    day DATE,
    previous_day DATE,
    after_length BOOLEAN NOT NULL,
    after_429 BOOLEAN NOT NULL,
    tier VARCHAR NOT NULL,
    billed BOOLEAN NOT NULL,
    long_input BIGINT,
    audio_input BOOLEAN NOT NULL,
    audio_output BOOLEAN NOT NULL,
    image_input BOOLEAN NOT NULL,
    calls BIGINT NOT NULL,
    input_tokens BIGINT NOT NULL,
    cached_tokens BIGINT NOT NULL,
    cache_write_tokens BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    audio_input_tokens BIGINT NOT NULL,
    audio_output_tokens BIGINT NOT NULL,
    image_input_tokens BIGINT NOT NULL
);
