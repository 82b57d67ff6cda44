-- Returns the billed amount of one cost export.
SELECT coalesce(sum(amount), 0) AS spend_usd, 0 AS unpriced, [] AS unpriced_models FROM costs WHERE source_id = $source_id
