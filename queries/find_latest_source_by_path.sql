-- Returns the newest stored part of a file path: its sha256, how many bytes and lines were read, its kind.
SELECT sha256, bytes, lines, kind FROM sources WHERE path = $path ORDER BY source_id DESC LIMIT 1
