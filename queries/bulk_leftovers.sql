-- Returns the lines the line readers must read, in file order.
SELECT line, text FROM bulk_leftovers ORDER BY line
