-- Returns the first and last day holding data in the audited scope (calls, usage or costs).
SELECT min(day) AS first_day, max(day) AS last_day
FROM (
    SELECT day FROM scope_calls WHERE day IS NOT NULL
    UNION ALL SELECT day FROM scope_usage
    UNION ALL SELECT day FROM scope_costs
)
