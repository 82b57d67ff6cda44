-- Returns the number of calls stored; moves staged calls into calls, never storing a request_id twice.
INSERT INTO calls
SELECT * EXCLUDE (nth)
FROM (
    SELECT *, row_number() OVER (PARTITION BY request_id ORDER BY line) AS nth FROM incoming_calls
) AS i
WHERE i.request_id IS NULL
    OR (i.nth = 1 AND NOT EXISTS (SELECT 1 FROM calls AS c WHERE c.request_id = i.request_id))
