-- Returns what `costcap doctor` says of a store's content: rows per table and the days the calls and the bill cover.
SELECT
    (SELECT count(*) FROM sources) AS sources,
    (SELECT count(*) FROM calls) AS calls,
    (SELECT count(*) FROM usage) AS usage_rows,
    (SELECT count(*) FROM costs) AS cost_rows,
    (SELECT min(CAST(ts AS DATE)) FROM calls) AS first_call_day,
    (SELECT max(CAST(ts AS DATE)) FROM calls) AS last_call_day,
    (SELECT min(CAST(bucket_start AS DATE)) FROM usage) AS first_usage_day,
    (SELECT max(CAST(bucket_start AS DATE)) FROM usage) AS last_usage_day
