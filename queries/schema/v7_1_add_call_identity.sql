-- Returns nothing; schema version 7: a call belongs to every source that holds it. Each row keeps its place in its
-- source (item: the record's number among those that start on the same line), the document it was read from (the
-- source that began a grown log, whose appended parts share it) and its identity (call_key: the request id when it
-- has one, else the record's text). Rows that another row already counts wait in call_copies, so that forgetting
-- one source hands its calls to the next source holding them. `replaced` keeps a Batch row's own feature, batch
-- type and order while the log line of the same call lends it the attribution the application logged; response_id
-- is the id of a Batch response's body, which a log may have recorded as its request id.
ALTER TABLE calls ADD COLUMN IF NOT EXISTS item INTEGER DEFAULT 0;
ALTER TABLE calls ADD COLUMN IF NOT EXISTS document_id INTEGER;
ALTER TABLE calls ADD COLUMN IF NOT EXISTS call_key UBIGINT;
ALTER TABLE calls ADD COLUMN IF NOT EXISTS response_id VARCHAR;
ALTER TABLE calls ADD COLUMN IF NOT EXISTS span_id VARCHAR;          -- a trace's records: their own id,
ALTER TABLE calls ADD COLUMN IF NOT EXISTS parent_span_id VARCHAR;   -- their parent's,
ALTER TABLE calls ADD COLUMN IF NOT EXISTS span_kind VARCHAR;        -- and the kind of span each is
ALTER TABLE calls ADD COLUMN IF NOT EXISTS naive_time BOOLEAN;       -- its time had no offset and was read as UTC
ALTER TABLE calls ADD COLUMN IF NOT EXISTS replaced STRUCT(feature VARCHAR, batch_type VARCHAR, order_id VARCHAR);
ALTER TABLE sources ADD COLUMN IF NOT EXISTS document_id INTEGER;
-- an appended part belongs to the document its path began with (the last whole read of that path before it)
UPDATE sources AS s SET document_id = coalesce(
    CASE WHEN s.first_line > 1 THEN (
        SELECT max(w.source_id) FROM sources AS w
        WHERE w.path = s.path AND w.first_line = 1 AND w.source_id < s.source_id) END,
    s.source_id);
UPDATE calls AS c SET
    document_id = s.document_id,
    call_key = CASE WHEN c.request_id IS NOT NULL THEN hash('request:' || c.request_id)
                    ELSE coalesce(c.line_key, hash(c.source_id, c.line)) END,
    item = n.item
FROM sources AS s, (
    SELECT source_id, line, rowid AS row, CAST(row_number() OVER (PARTITION BY source_id, line ORDER BY rowid) - 1 AS INTEGER) AS item
    FROM calls
) AS n
WHERE s.source_id = c.source_id AND n.row = c.rowid;
CREATE TABLE IF NOT EXISTS call_copies AS SELECT * FROM calls LIMIT 0;
-- a truncation finding's cap is budget's now: the counts of complete answers are no longer read
DELETE FROM call_values WHERE kind = 'complete';
-- another path (or URL) whose content is byte for byte a stored source's: the source is held there too, so
-- forgetting one of its paths keeps it while another remains
CREATE TABLE IF NOT EXISTS source_copies (source_id INTEGER NOT NULL, path VARCHAR NOT NULL, ingested_at TIMESTAMP NOT NULL)
