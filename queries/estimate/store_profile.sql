-- Returns, per model (the snapshot that bills it) of one feature's billed logged calls: calls, the share of their
-- input served from the cache, and their priced cost (NULL where unpriced): what a measured plan is checked against.
CREATE OR REPLACE TEMP TABLE feature_groups_to_price AS
SELECT model, tier, coalesce(day, current_date) AS price_day, coalesce(long_input, 0) AS request_input,
    sum(COLUMNS('^(calls|.*_tokens)$'))
FROM call_groups
WHERE feature = $feature AND origin = 'log' AND billed
GROUP BY ALL;
SELECT coalesce(price_model, model) AS model, CAST(sum(calls) AS BIGINT) AS calls,
    sum(cached_tokens) / nullif(sum(input_tokens), 0) AS cached_share,
    sum(cost_usd) AS cost_usd, bool_and(priced) AS priced
FROM priced('feature_groups_to_price')
GROUP BY ALL
ORDER BY calls DESC, model
