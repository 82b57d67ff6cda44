-- Creates as_count(x): an export cell such as '4.0' as a BIGINT, 0 when empty.
CREATE OR REPLACE TEMP MACRO as_count(x) AS coalesce(CAST(CAST(x AS DOUBLE) AS BIGINT), 0)
