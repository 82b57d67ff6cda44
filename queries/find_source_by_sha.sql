-- Returns the stored part of any file whose content had this sha256 (the same content ingested before).
SELECT source_id, path, kind FROM sources WHERE sha256 = $sha256 ORDER BY source_id LIMIT 1
