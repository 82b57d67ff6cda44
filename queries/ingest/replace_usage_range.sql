-- Returns the number of usage rows removed: a pull replaces every bucket, from any source, inside the range it fetched.
DELETE FROM usage
WHERE source_id <> $source_id AND bucket_start >= $range_start AND bucket_start < $range_end
