-- Returns nothing; carries out call_moves: new attribution first, then rows that stop counting go to call_copies and
-- rows that start counting come back to calls; settle_keys is emptied.
UPDATE calls AS c SET feature = m.attribution.feature, batch_type = m.attribution.batch_type,
    order_id = m.attribution.order_id, replaced = m.replaced
FROM call_moves AS m WHERE c.source_id = m.source_id AND c.line = m.line AND c.item = m.item;
UPDATE call_copies AS c SET feature = m.attribution.feature, batch_type = m.attribution.batch_type,
    order_id = m.attribution.order_id, replaced = m.replaced
FROM call_moves AS m WHERE c.source_id = m.source_id AND c.line = m.line AND c.item = m.item;
INSERT INTO call_copies BY NAME
SELECT c.* FROM calls AS c SEMI JOIN call_moves AS m
    ON c.source_id = m.source_id AND c.line = m.line AND c.item = m.item AND m.counted AND NOT m.keep;
DELETE FROM calls AS c USING call_moves AS m
WHERE c.source_id = m.source_id AND c.line = m.line AND c.item = m.item AND m.counted AND NOT m.keep;
INSERT INTO calls BY NAME
SELECT c.* FROM call_copies AS c SEMI JOIN call_moves AS m
    ON c.source_id = m.source_id AND c.line = m.line AND c.item = m.item AND NOT m.counted AND m.keep;
DELETE FROM call_copies AS c USING call_moves AS m
WHERE c.source_id = m.source_id AND c.line = m.line AND c.item = m.item AND NOT m.counted AND m.keep;
DELETE FROM settle_keys
