-- Creates plain_text(x): a call's text field from a value read as text: NULL for absent, "" and false; 'True' for true.
CREATE OR REPLACE TEMP MACRO plain_text(x) AS
    CASE WHEN x IS NULL OR x IN ('', 'false') THEN NULL WHEN x = 'true' THEN 'True' ELSE x END
