-- Returns nothing; loads a CSV export into raw_export as text columns column0..N, numbered by file line (the header
-- is line 1). Only the columns in $keep are kept: an export has 26 and costcap reads about 15.
CREATE OR REPLACE TEMP TABLE raw_export AS
SELECT row_number() OVER () + 1 AS line, COLUMNS(lambda c: list_contains($keep, c))
FROM read_csv(
    $path, columns = $columns, header = true, delim = ',', quote = '"', escape = '"',
    auto_detect = false, strict_mode = true, compression = $compression
)
