-- Creates token_problem(name, x): why the JSON value x cannot be the token count `name` (token_count gave NULL).
CREATE OR REPLACE TEMP MACRO token_problem(name, x) AS
    name || ' is ' || left(x, 60) || CASE
        WHEN json_number(x) IS NULL THEN ', not a number'
        WHEN NOT isfinite(json_number(x)) OR json_number(x) <> floor(json_number(x)) THEN ', not a whole number of tokens'
        WHEN json_number(x) < 0 THEN ', a negative token count'
        ELSE ', more tokens than one call can use'
    END
