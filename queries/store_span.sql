-- Returns the first and last UTC day the whole store holds (calls, usage or costs), to say what an empty period missed.
SELECT min(day) AS first_day, max(day) AS last_day
FROM (
    SELECT CAST(ts AS DATE) AS day FROM calls WHERE ts IS NOT NULL
    UNION ALL SELECT CAST(bucket_start AS DATE) FROM usage
    UNION ALL SELECT CAST(bucket_start AS DATE) FROM costs
)
