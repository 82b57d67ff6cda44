-- Returns every service_tier name the audited calls and usage rows carry, for the check against the known names.
SELECT DISTINCT service_tier FROM (
    SELECT service_tier FROM scope_calls UNION ALL SELECT service_tier FROM scope_usage
)
WHERE service_tier IS NOT NULL
ORDER BY service_tier
