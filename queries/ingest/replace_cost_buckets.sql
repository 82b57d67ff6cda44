-- Returns the number of older cost rows removed: a newer export of the same day and line item replaces them.
DELETE FROM costs AS old
WHERE old.source_id <> $source_id
    AND EXISTS (
        SELECT 1 FROM costs AS new
        WHERE new.source_id = $source_id
            AND new.bucket_start = old.bucket_start
            AND new.bucket_end IS NOT DISTINCT FROM old.bucket_end
            AND new.line_item IS NOT DISTINCT FROM old.line_item
            AND new.project_id IS NOT DISTINCT FROM old.project_id
            AND new.api_key_id IS NOT DISTINCT FROM old.api_key_id
            AND new.user_id IS NOT DISTINCT FROM old.user_id
            AND new.organization_id IS NOT DISTINCT FROM old.organization_id
    )
