-- Creates bucket_time(unix, iso): a bucket edge as naive UTC, from Unix seconds or else ISO text (a missing offset
-- means UTC). NULL when neither is a time between 1970 and 9999 (or the ISO offset is beyond +-14:00), so no later
-- command meets a time it cannot read.
CREATE OR REPLACE TEMP MACRO bucket_time(unix, iso) AS coalesce(
    CASE WHEN TRY_CAST(unix AS DOUBLE) BETWEEN 0 AND 253402300799
         THEN make_timestamp(CAST(round(TRY_CAST(unix AS DOUBLE) * 1000000) AS BIGINT)) END,
    CASE WHEN coalesce(abs(utc_offset_minutes(iso)), 0) <= 840 AND TRY_CAST(iso AS TIMESTAMPTZ) BETWEEN TIMESTAMPTZ '1970-01-01 00:00:00+00' AND TIMESTAMPTZ '9999-12-31 00:00:00+00'
         THEN CAST(TRY_CAST(iso AS TIMESTAMPTZ) AS TIMESTAMP) END)
