-- Creates py_strip(s): Python's str.strip(): the class below is exactly the characters str.isspace() accepts.
CREATE OR REPLACE TEMP MACRO py_strip(s) AS
    regexp_replace(s, '^[\t-\r\x1c-\x20\x85\p{Z}]+|[\t-\r\x1c-\x20\x85\p{Z}]+$', '', 'g')
