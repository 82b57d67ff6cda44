-- Returns the number of older usage rows removed: a newer export of the same bucket, endpoint and group replaces them.
DELETE FROM usage AS old
WHERE old.source_id <> $source_id
    AND EXISTS (
        SELECT 1 FROM usage AS new
        WHERE new.source_id = $source_id
            AND new.bucket_start = old.bucket_start
            AND new.bucket_end IS NOT DISTINCT FROM old.bucket_end
            AND new.project_id IS NOT DISTINCT FROM old.project_id
            AND new.user_id IS NOT DISTINCT FROM old.user_id
            AND new.api_key_id IS NOT DISTINCT FROM old.api_key_id
            AND new.model IS NOT DISTINCT FROM old.model
            AND new.batch IS NOT DISTINCT FROM old.batch
            AND new.service_tier IS NOT DISTINCT FROM old.service_tier
            AND new.endpoint IS NOT DISTINCT FROM old.endpoint
            AND new.detail IS NOT DISTINCT FROM old.detail
    )
