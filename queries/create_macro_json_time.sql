-- Creates json_time(x): records.timestamp of a JSON value's text, for the forms SQL reads exactly: ISO date-times
-- with 0-6 fraction digits and Z or +hh:mm, and whole epoch seconds or milliseconds (canonical digits, number or
-- string). NULL when absent or "", and for every other form, which the caller sends back to Python.
CREATE OR REPLACE TEMP MACRO json_time(x) AS
    CASE WHEN starts_with(x, '"') AND regexp_full_match(x,
            '"[1-9]\d{3}-\d\d-\d\d[T ]([01]\d|2[0-3]):[0-5]\d:[0-5]\d([.,]\d{1,6})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?"')
            -- the store's session time zone is UTC, so a time without an offset stays as written
            THEN CAST(TRY_CAST(replace(substr(x, 2, length(x) - 2), ',', '.') AS TIMESTAMPTZ) AS TIMESTAMP)
        WHEN CAST(TRY_CAST(json_unquoted(x) AS BIGINT) AS VARCHAR) = json_unquoted(x)
            AND TRY_CAST(json_unquoted(x) AS BIGINT) BETWEEN 0 AND 99999999999999 THEN
            -- records._from_epoch: above 1e11 the number is milliseconds
            CASE WHEN TRY_CAST(json_unquoted(x) AS BIGINT) > 100000000000
                THEN make_timestamp(TRY_CAST(json_unquoted(x) AS BIGINT) * 1000)
                ELSE make_timestamp(TRY_CAST(json_unquoted(x) AS BIGINT) * 1000000)
            END
    END
