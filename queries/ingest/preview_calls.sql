-- Returns the first calls of one source as they are stored, with their price: what a dry run shows.
SELECT line, CAST(ts AS VARCHAR) AS ts, feature, model, tier, input_tokens, cached_tokens, output_tokens,
    reasoning_tokens, status, request_id, cost_usd
FROM priced_calls WHERE source_id = $source_id ORDER BY line LIMIT $limit
