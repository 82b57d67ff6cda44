-- Creates the session's alias table: which catalog model bills an id, over which dates.
CREATE OR REPLACE TEMP TABLE price_aliases (
    alias VARCHAR NOT NULL,
    model VARCHAR NOT NULL,
    valid_from DATE,
    valid_to DATE
)
