-- Returns nothing; takes one source out of the aggregates kept per source.
DELETE FROM output_counts WHERE source_id = $source_id;
DELETE FROM call_groups WHERE source_id = $source_id;
DELETE FROM order_groups WHERE source_id = $source_id;
DELETE FROM call_values WHERE source_id = $source_id;
DELETE FROM call_minutes WHERE source_id = $source_id
