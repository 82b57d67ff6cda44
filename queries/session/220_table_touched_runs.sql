-- Creates touched_runs: the runs of calls (feature, order) an ingest or a forget changed, recounted at its end.
CREATE TEMP TABLE IF NOT EXISTS touched_runs (feature VARCHAR NOT NULL, order_key VARCHAR NOT NULL)
