-- Returns how many rows of the cost export just read had digits past the 18th decimal (rounded half to even when
-- stored), and the largest amount of money that rounding changed.
SELECT count(*) FILTER (WHERE coalesce(rtrim(amount_parts(amount_value).rest, '0'), '') <> '') AS rows,
    max(rounded_away(amount_value)) AS largest
FROM export_rows
WHERE amount_value IS NOT NULL
