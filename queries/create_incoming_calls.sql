-- Creates incoming_calls: an empty staging table shaped like calls, filled while one file is read.
CREATE OR REPLACE TEMP TABLE incoming_calls AS SELECT * FROM calls LIMIT 0
