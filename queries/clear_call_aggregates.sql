-- Returns nothing; empties audit's aggregates before a store upgrade counts them from every source's calls.
DELETE FROM call_groups;
DELETE FROM order_groups;
DELETE FROM call_values;
DELETE FROM call_minutes;
DELETE FROM retry_groups
