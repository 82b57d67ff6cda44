-- Returns the store's row counts and token and money totals, to show what it holds (and to prove nothing changed).
SELECT
    (SELECT count(*) FROM sources) AS sources,
    (SELECT count(*) FROM calls) AS calls,
    (SELECT coalesce(sum(input_tokens + output_tokens), 0) FROM calls) AS call_tokens,
    (SELECT count(*) FROM usage) AS usage_rows,
    (SELECT coalesce(sum(input_tokens + output_tokens), 0) FROM usage) AS usage_tokens,
    (SELECT count(*) FROM costs) AS cost_rows,
    (SELECT coalesce(sum(amount), 0) FROM costs) AS billed_usd
