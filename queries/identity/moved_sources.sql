-- Returns the sources whose rows call_moves changes: their aggregates are counted again.
SELECT DISTINCT source_id FROM call_moves ORDER BY source_id
