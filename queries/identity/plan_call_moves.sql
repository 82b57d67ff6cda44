-- Returns nothing; decides, for the identities in settle_keys, which rows count (calls) and which wait (call_copies),
-- into call_moves: the rows that change table, and the Batch rows whose attribution changes. A call with a request
-- id is counted once; a record text as many times as the document that holds it most often holds it (a grown log's
-- parts are one document; a rotated log, a copy or a gzipped copy is another). Batch output rows come first, so a
-- call seen in a log and in a Batch file is billed at the Batch price, then the rows counted already, then the
-- oldest. A counted Batch row takes the feature, batch type and order its call's log line names.
CREATE OR REPLACE TEMP TABLE call_moves AS
WITH keys AS (
    SELECT DISTINCT call_key FROM settle_keys
), held AS (
    SELECT source_id, line, item, document_id, call_key, line_key, origin, true AS counted,
        feature, batch_type, order_id, replaced
    FROM calls SEMI JOIN keys USING (call_key)
    UNION ALL
    SELECT source_id, line, item, document_id, call_key, line_key, origin, false,
        feature, batch_type, order_id, replaced
    FROM call_copies SEMI JOIN keys USING (call_key)
), per_document AS (
    SELECT call_key, count(*) AS rows, bool_or(call_key IS DISTINCT FROM line_key) AS by_id
    FROM held GROUP BY call_key, document_id
), wanted AS (
    SELECT call_key, CASE WHEN bool_or(by_id) THEN 1 ELSE max(rows) END AS wanted FROM per_document GROUP BY call_key
), logged AS (
    SELECT call_key,
        arg_min({'feature': feature, 'batch_type': batch_type, 'order_id': order_id}, (source_id, line, item)) AS lent
    FROM held
    WHERE origin = 'log' AND (feature IS NOT NULL OR batch_type IS NOT NULL OR order_id IS NOT NULL)
    GROUP BY call_key
), ranked AS (
    SELECT h.*, w.wanted,
        row_number() OVER (PARTITION BY h.call_key ORDER BY h.origin = 'batch' DESC, h.counted DESC, h.source_id, h.line, h.item) AS rank,
        coalesce(h.replaced, {'feature': h.feature, 'batch_type': h.batch_type, 'order_id': h.order_id}) AS own,
        l.lent
    FROM held AS h JOIN wanted AS w USING (call_key) LEFT JOIN logged AS l USING (call_key)
), decided AS (
    SELECT source_id, line, item, counted, rank <= wanted AS keep,
        CASE WHEN origin = 'batch' AND lent IS NOT NULL THEN {
            'feature': coalesce(lent.feature, own.feature), 'batch_type': coalesce(lent.batch_type, own.batch_type),
            'order_id': coalesce(lent.order_id, own.order_id)} ELSE own END AS attribution,
        CASE WHEN origin = 'batch' AND lent IS NOT NULL THEN own END AS replaced,
        {'feature': feature, 'batch_type': batch_type, 'order_id': order_id} AS attributed,
        replaced AS was_replaced
    FROM ranked
)
SELECT source_id, line, item, counted, keep, attribution, replaced
FROM decided
WHERE counted <> keep OR attribution IS DISTINCT FROM attributed OR replaced IS DISTINCT FROM was_replaced
