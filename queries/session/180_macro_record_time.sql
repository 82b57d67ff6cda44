-- Creates record_time(x, tz) and naive_time(x): a call's time as naive UTC from a JSON value's text: ISO text with or
-- without a T, fractional seconds (a comma before them too), Z, +00:00 or +0000; the basic form 20261105T140311Z and
-- an HTTP date; or epoch seconds, milliseconds, microseconds or nanoseconds told apart by size. A text time with no
-- offset is local time in zone tz (NULL: UTC), and naive_time says it had none. NULL when absent, "", not a time
-- from 1970 on, or with an offset beyond +-14:00 (utc_offset_minutes).
CREATE OR REPLACE TEMP MACRO time_text(x) AS replace(trim(json_string(x)), ',', '.');
CREATE OR REPLACE TEMP MACRO has_offset(t) AS regexp_matches(t, '(Z|[+-]\d\d:?\d\d|UTC|GMT)$', 'i');
CREATE OR REPLACE TEMP MACRO naive_time(x) AS
    starts_with(coalesce(x, ''), '"') AND json_number(x) IS NULL AND NOT has_offset(time_text(x))
    AND TRY_CAST(time_text(x) AS TIMESTAMP) IS NOT NULL;
CREATE OR REPLACE TEMP MACRO record_time(x, tz) AS
    CASE WHEN x IS NULL OR x = '""' THEN NULL
         WHEN json_number(x) IS NOT NULL THEN CASE WHEN isfinite(json_number(x)) AND json_number(x) >= 0 THEN
             try(make_timestamp(CAST(json_number(x) * CASE
                 WHEN json_number(x) < 1e11 THEN 1e6 WHEN json_number(x) < 1e14 THEN 1e3
                 WHEN json_number(x) < 1e17 THEN 1 ELSE 1e-3 END AS BIGINT))) END
         WHEN NOT starts_with(x, '"') OR coalesce(abs(utc_offset_minutes(time_text(x))), 0) > 840 THEN NULL
         WHEN naive_time(x) AND tz IS NOT NULL
             THEN try(timezone('UTC', timezone(tz, TRY_CAST(time_text(x) AS TIMESTAMP))))
         ELSE coalesce(
             CAST(TRY_CAST(time_text(x) AS TIMESTAMPTZ) AS TIMESTAMP),
             try_strptime(time_text(x), ['%Y%m%dT%H%M%SZ', '%Y%m%dT%H%M%S.%fZ', '%a, %d %b %Y %H:%M:%S GMT']))
    END
