-- Returns nothing; one path of a source is forgotten while $other still holds its content: a copy's path goes, or
-- the path it was read from gives way to that copy.
DELETE FROM source_copies WHERE source_id = $source_id AND ($copy AND path = $path OR NOT $copy AND path = $other);
UPDATE sources SET path = $other WHERE source_id = $source_id AND NOT $copy
