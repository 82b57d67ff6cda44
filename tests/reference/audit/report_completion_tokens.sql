-- Returns, per feature, how many calls that returned a completion (as budget counts them) gave each number of completion tokens.
SELECT feature, output_tokens, count(*) AS calls
FROM scope_calls
WHERE output_tokens > 0 AND (status_code IS NULL OR status_code < 400)
GROUP BY ALL
ORDER BY feature, output_tokens
