-- Creates in_span(day, from, to): true when a price or alias dated [from, to) is in force on day (NULL = open end).
CREATE OR REPLACE TEMP MACRO in_span(day, span_from, span_to) AS
    (span_from IS NULL OR day >= span_from) AND (span_to IS NULL OR day < span_to)
