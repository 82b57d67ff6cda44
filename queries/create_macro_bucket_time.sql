-- Creates bucket_time(unix, iso): a bucket edge as naive UTC, from Unix seconds or else ISO text (a missing offset means UTC).
CREATE OR REPLACE TEMP MACRO bucket_time(unix, iso) AS coalesce(
    make_timestamp(CAST(round(TRY_CAST(unix AS DOUBLE) * 1000000) AS BIGINT)),
    CAST(TRY_CAST(iso AS TIMESTAMPTZ) AS TIMESTAMP))
