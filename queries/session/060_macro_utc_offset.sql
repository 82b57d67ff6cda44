-- Creates utc_offset_minutes(text): the UTC offset an ISO time's text ends with, in minutes (+05:30 is 330), or NULL
-- when it names none. No zone is more than 14:00 from UTC: a larger offset is a mistake, never a time to shift by.
CREATE OR REPLACE TEMP MACRO utc_offset_minutes(text) AS
    CASE WHEN regexp_matches(text, '\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*[+-]\d\d:?\d\d$') THEN
        (CASE WHEN regexp_extract(text, '([+-])\d\d:?\d\d$', 1) = '-' THEN -1 ELSE 1 END)
        * (CAST(regexp_extract(text, '[+-](\d\d):?\d\d$', 1) AS INTEGER) * 60
           + CAST(regexp_extract(text, '[+-]\d\d:?(\d\d)$', 1) AS INTEGER))
    END
