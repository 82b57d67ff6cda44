-- Returns the first and last UTC day the whole store holds (calls, usage or costs), to say what an empty period missed.
SELECT min(day) AS first_day, max(day) AS last_day
FROM (
    SELECT day FROM call_groups WHERE day IS NOT NULL
    UNION ALL SELECT CAST(bucket_start AS DATE) FROM usage
    UNION ALL SELECT CAST(bucket_start AS DATE) FROM costs
)
