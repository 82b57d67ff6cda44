-- Creates priced_calls: every call with the catalog model that bills it and its exact cost_usd (NULL when unpriced).
CREATE OR REPLACE TEMP VIEW calls_to_price AS
SELECT *, coalesce(CAST(ts AS DATE), current_date) AS price_day, input_tokens AS request_input FROM calls;
CREATE OR REPLACE TEMP VIEW priced_calls AS SELECT * FROM priced('calls_to_price')
