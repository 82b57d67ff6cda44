-- Returns usage-export spend at catalog prices per project or API key ($by), the keys application logs do not carry.
SELECT
    CASE $by WHEN 'api_key' THEN api_key ELSE project END AS "key",
    sum(cost_usd) AS cost_usd, sum(requests) AS calls, count(*) FILTER (WHERE NOT priced) AS unpriced_calls,
    sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens
FROM scope_usage
GROUP BY ALL
ORDER BY cost_usd DESC NULLS LAST, calls DESC, "key"
