-- Creates settle_keys: the call identities an ingest or forget changed the holders of, settled at its end.
CREATE TEMP TABLE IF NOT EXISTS settle_keys (call_key UBIGINT NOT NULL)
