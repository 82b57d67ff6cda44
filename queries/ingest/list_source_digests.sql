-- Returns every source's id, path, content sha256, bytes and lines read, kind and document, oldest first, and the
-- other paths holding the same content: what an ingest checks each file against.
SELECT source_id, path, sha256, bytes, lines, kind, document_id FROM sources
UNION ALL
SELECT c.source_id, c.path, s.sha256, s.bytes, s.lines, s.kind, s.document_id
FROM source_copies AS c JOIN sources AS s USING (source_id)
ORDER BY source_id
