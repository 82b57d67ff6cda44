-- Returns nothing; loads a CSV export into raw_export as text columns column0..N, numbered by file line (the header is line 1).
CREATE OR REPLACE TEMP TABLE raw_export AS
SELECT row_number() OVER () + 1 AS line, *
FROM read_csv(
    $path, columns = $columns, header = true, delim = ',', quote = '"', escape = '"',
    auto_detect = false, strict_mode = true, compression = $compression
)
