-- Creates exact_amount(text) and rounded_away(text): an amount of money as DECIMAL(38, 18), the 18 decimals costcap
-- keeps. Exports and the Costs API write up to 36; digits past the 18th are rounded half to even (a sub-cent
-- remainder, said once per file), never refused. rounded_away is what the rounding changed (0 when nothing).
CREATE OR REPLACE TEMP MACRO amount_parts(x) AS
    regexp_extract(trim(x), '^([+-]?)(\d*\.\d{17})(\d)(\d*)$', ['sign', 'kept', 'last', 'rest']);
CREATE OR REPLACE TEMP MACRO rounds_up(p) AS
    left(rtrim(p.rest, '0'), 1) > '5'
    OR left(rtrim(p.rest, '0'), 1) = '5' AND (length(rtrim(p.rest, '0')) > 1 OR CAST(p.last AS INTEGER) % 2 = 1);
CREATE OR REPLACE TEMP MACRO exact_amount(x) AS
    CASE WHEN rtrim(amount_parts(x).rest, '0') = '' THEN TRY_CAST(trim(x) AS DECIMAL(38, 18))
         ELSE CAST(amount_parts(x).kept || amount_parts(x).last AS DECIMAL(38, 18))
              * CASE amount_parts(x).sign WHEN '-' THEN -1 ELSE 1 END
              + CASE WHEN rounds_up(amount_parts(x)) THEN
                    CASE amount_parts(x).sign WHEN '-' THEN -0.000000000000000001 ELSE 0.000000000000000001 END
                    ELSE 0 END
    END;
CREATE OR REPLACE TEMP MACRO rounded_away(x) AS
    CASE WHEN coalesce(rtrim(amount_parts(x).rest, '0'), '') = '' THEN 0
         ELSE abs(CASE WHEN rounds_up(amount_parts(x)) THEN 1 ELSE 0 END
                  - TRY_CAST('0.' || amount_parts(x).rest AS DOUBLE)) * 1e-18
    END
