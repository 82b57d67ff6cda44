-- Returns nothing; gives a log line the identity of the Batch output row of the same call: the log's request id is
-- the id of the Batch response's body, or the log names its custom_id and the two agree on input and output tokens
-- (a custom_id alone is reused from batch to batch). Only rows of $sources, on either side; both identities are
-- noted in settle_keys. A log line that matches two different Batch rows is left as it is: which one cannot be told.
CREATE OR REPLACE TEMP TABLE call_links AS
WITH batch_rows AS (
    SELECT source_id, custom_id, response_id, input_tokens, output_tokens, call_key FROM calls WHERE origin = 'batch'
    UNION ALL
    SELECT source_id, custom_id, response_id, input_tokens, output_tokens, call_key FROM call_copies WHERE origin = 'batch'
), log_rows AS (
    SELECT source_id, line, item, request_id, custom_id, input_tokens, output_tokens, call_key FROM calls
    WHERE origin = 'log' AND (custom_id IS NOT NULL OR request_id IS NOT NULL)
    UNION ALL
    SELECT source_id, line, item, request_id, custom_id, input_tokens, output_tokens, call_key FROM call_copies
    WHERE origin = 'log' AND (custom_id IS NOT NULL OR request_id IS NOT NULL)
), new_batch AS (
    SELECT * FROM batch_rows WHERE source_id IN (SELECT unnest($sources))
), new_log AS (
    SELECT * FROM log_rows WHERE source_id IN (SELECT unnest($sources))
), matched AS (
    -- each side's new rows against every row of the other side, by response id, then by custom_id and tokens
    SELECT l.source_id, l.line, l.item, l.call_key AS old_key, b.call_key
    FROM new_log AS l JOIN batch_rows AS b ON l.request_id = b.response_id
    UNION ALL
    SELECT l.source_id, l.line, l.item, l.call_key, b.call_key
    FROM new_log AS l JOIN batch_rows AS b USING (custom_id, input_tokens, output_tokens)
    UNION ALL
    SELECT l.source_id, l.line, l.item, l.call_key, b.call_key
    FROM log_rows AS l JOIN new_batch AS b ON l.request_id = b.response_id
    UNION ALL
    SELECT l.source_id, l.line, l.item, l.call_key, b.call_key
    FROM log_rows AS l JOIN new_batch AS b USING (custom_id, input_tokens, output_tokens)
)
SELECT source_id, line, item, any_value(old_key) AS old_key, min(call_key) AS call_key
FROM matched
GROUP BY source_id, line, item
HAVING count(DISTINCT call_key) = 1 AND any_value(old_key) <> min(call_key);
UPDATE calls AS c SET call_key = k.call_key FROM call_links AS k
WHERE c.source_id = k.source_id AND c.line = k.line AND c.item = k.item;
UPDATE call_copies AS c SET call_key = k.call_key FROM call_links AS k
WHERE c.source_id = k.source_id AND c.line = k.line AND c.item = k.item;
INSERT INTO settle_keys SELECT old_key FROM call_links UNION SELECT call_key FROM call_links
