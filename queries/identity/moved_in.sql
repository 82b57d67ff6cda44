-- Returns how many rows the last settle brought into calls (another source now counts them) and their priced spend.
SELECT count(*), coalesce(sum(p.cost_usd), 0)
FROM priced_calls AS p SEMI JOIN call_moves AS m
    ON p.source_id = m.source_id AND p.line = m.line AND p.item = m.item AND m.keep AND NOT m.counted
