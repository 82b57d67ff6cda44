-- Returns the first cost-export row that cannot be right: line and what is wrong with it.
SELECT line, problem FROM (
    SELECT line, CASE
        WHEN start_time IS NULL AND start_time_iso IS NULL THEN 'the row has no start_time'
        WHEN bucket_time(start_time, start_time_iso) IS NULL AND abs(utc_offset_minutes(start_time_iso)) > 840
            THEN 'start_time_iso ' || start_time_iso || ' has a UTC offset beyond 14:00, which no time zone has'
        WHEN bucket_time(start_time, start_time_iso) IS NULL THEN 'start_time ' || coalesce(start_time, start_time_iso) || ' is not a time from 1970 to 9999'
        WHEN bucket_time(start_time, start_time_iso) > $now + INTERVAL 1 DAY THEN 'start_time is in the future'
        WHEN coalesce(end_time, end_time_iso) IS NOT NULL AND bucket_time(end_time, end_time_iso) IS NULL
            THEN 'end_time ' || coalesce(end_time, end_time_iso) || ' is not a time'
        WHEN bucket_time(end_time, end_time_iso) < bucket_time(start_time, start_time_iso)
            THEN 'end_time is before start_time'
        WHEN amount_value IS NOT NULL AND (NOT isfinite(TRY_CAST(amount_value AS DOUBLE)) OR exact_amount(amount_value) IS NULL)
            THEN 'amount_value ' || amount_value || ' is not an amount of money'
        WHEN amount_value IS NOT NULL AND NOT abs(TRY_CAST(amount_value AS DOUBLE)) < 1000000000
            THEN 'amount_value ' || amount_value || ' is more than a billion dollars, not a day''s charge'
        WHEN amount_value IS NOT NULL AND lower(coalesce(amount_currency, 'usd')) <> 'usd'
            THEN 'amount_currency ' || amount_currency || ' is not usd; costcap reports in USD'
        WHEN quantity IS NOT NULL AND NOT isfinite(TRY_CAST(quantity AS DOUBLE)) THEN 'quantity ' || quantity || ' is not a number'
    END AS problem
    FROM export_rows
)
WHERE problem IS NOT NULL
ORDER BY line
LIMIT 1
