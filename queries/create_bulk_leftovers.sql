-- Creates bulk_leftovers: the lines of one file that the line readers must read, filled batch by batch.
CREATE OR REPLACE TEMP TABLE bulk_leftovers (line BIGINT, text VARCHAR)
