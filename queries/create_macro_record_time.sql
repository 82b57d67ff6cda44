-- Creates record_time(x): a call's time as naive UTC from a JSON value's text: ISO text with or without an offset
-- (no offset means UTC; a comma before the fraction is read as a point), or epoch seconds, milliseconds,
-- microseconds or nanoseconds told apart by size. NULL when absent, "" or not a time from 1970 on, and when its
-- offset is beyond +-14:00 (utc_offset_minutes).
CREATE OR REPLACE TEMP MACRO record_time(x) AS
    CASE WHEN x IS NULL OR x = '""' THEN NULL
         WHEN json_number(x) IS NOT NULL THEN CASE WHEN isfinite(json_number(x)) AND json_number(x) >= 0 THEN
             try(make_timestamp(CAST(json_number(x) * CASE
                 WHEN json_number(x) < 1e11 THEN 1e6 WHEN json_number(x) < 1e14 THEN 1e3
                 WHEN json_number(x) < 1e17 THEN 1 ELSE 1e-3 END AS BIGINT))) END
         WHEN starts_with(x, '"') AND coalesce(abs(utc_offset_minutes(trim(json_string(x)))), 0) <= 840
             THEN CAST(TRY_CAST(replace(trim(json_string(x)), ',', '.') AS TIMESTAMPTZ) AS TIMESTAMP)
    END
