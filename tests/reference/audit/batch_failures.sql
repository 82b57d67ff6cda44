-- Returns the Batch requests that came back without an answer (expired, refused with a 4xx, failed with a 5xx): they
-- are stored as failed calls with no tokens, and show as $0.
SELECT
    coalesce(feature, '(untagged)') AS feature, count(*) AS failed,
    count(*) FILTER (WHERE contains(lower(coalesce(error, '')), 'expired')) AS expired,
    count(*) FILTER (WHERE status_code BETWEEN 400 AND 499) AS refused,
    count(*) FILTER (WHERE status_code >= 500) AS server_errors,
    min(left(error, 120)) AS example
FROM scope_calls
WHERE origin = 'batch' AND status <> 'ok' AND input_tokens + output_tokens = 0
GROUP BY ALL
ORDER BY failed DESC, feature
