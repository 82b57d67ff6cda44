-- Returns nothing; empties every aggregate before a store upgrade counts them again from every source's calls.
DELETE FROM output_counts;
DELETE FROM call_groups;
DELETE FROM order_groups;
DELETE FROM call_values;
DELETE FROM call_minutes;
DELETE FROM retry_groups
