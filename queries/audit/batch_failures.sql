-- Returns the Batch requests that came back without an answer (expired, refused with a 4xx, failed with a 5xx): they
-- are stored as failed calls with no tokens, and show as $0.
SELECT
    feature, CAST(sum(calls) AS BIGINT) AS failed,
    CAST(coalesce(sum(calls) FILTER (WHERE expired), 0) AS BIGINT) AS expired,
    CAST(coalesce(sum(calls) FILTER (WHERE status_code BETWEEN 400 AND 499), 0) AS BIGINT) AS refused,
    CAST(coalesce(sum(calls) FILTER (WHERE status_code >= 500), 0) AS BIGINT) AS server_errors,
    min(error_example) AS example
FROM scope_groups
WHERE origin = 'batch' AND status <> 'ok' AND NOT billed
GROUP BY ALL
ORDER BY failed DESC, feature
