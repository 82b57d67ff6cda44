-- Returns nothing; schema version 4: each call keeps the identity of the record it was read from (a hash of its
-- text), so the same line read again from a grown, rotated, copied or fixed file is never stored twice.
ALTER TABLE calls ADD COLUMN IF NOT EXISTS line_key UBIGINT
