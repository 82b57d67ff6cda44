-- Creates raw_export from parsed_export, the rows of an export Python parsed (API pages, legacy usage), to be
-- checked and inserted as a CSV export's are.
CREATE OR REPLACE TEMP TABLE raw_export AS SELECT * FROM parsed_export
