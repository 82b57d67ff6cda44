-- Returns nothing; schema version 6: each completion-token count keeps the tier and, above the floor, the input of
-- its calls, so that the tokens above a cap are priced at the output rate each call had. The counts are made again.
ALTER TABLE output_counts ADD COLUMN IF NOT EXISTS tier VARCHAR;
ALTER TABLE output_counts ADD COLUMN IF NOT EXISTS long_input BIGINT;
DELETE FROM output_counts
