-- Creates bulk_records: every line of bulk_lines with `blank` and `record`, the JSON object the line readers
-- (ingest/loglines.py) would read from it, when SQL can tell exactly; NULL sends the line back to them. Covers JSON lines, JSON after a
-- stdlib prefix and plain dev-console lines (rewritten here as JSON); key=value and logfmt lines go back.
CREATE OR REPLACE TEMP VIEW bulk_records AS
WITH cleaned AS (
    SELECT line,
        -- colour codes go first, as in loglines.parse
        CASE WHEN contains(text, chr(27)) THEN regexp_replace(text, '\x1b\[[0-9;]*m', '', 'g') ELSE text END AS clean
    FROM bulk_lines
), shaped AS (
    SELECT line, clean,
        regexp_full_match(clean, '[ \t]*') AS blank,
        CASE WHEN starts_with(clean, '{') THEN clean
             WHEN contains(clean, '{') THEN clean[strpos(clean, '{'):]
        END AS json_text,
        -- printable ASCII without " or \: Python's and RE2's \s, \w and lower() agree, and values need no escaping
        NOT regexp_matches(clean, '[^ -~]|["\\]') AS console_shaped
    FROM cleaned
), json_read AS (
    SELECT *,
        -- yyjson accepts trailing commas, which Python's json module refuses (its inf and nan spellings
        -- loglines accepts too)
        json_text IS NOT NULL AND json_valid(json_text) AND NOT regexp_matches(json_text, ',\s*[\]}]') AS is_json
    FROM shaped
), console_head AS (
    SELECT *,
        regexp_extract(
            trim(clean),
            '^(?:(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?|\d{9,}(?:\.\d+)?) +)?\[([A-Za-z]+) *\] +(.*)$',
            ['ts', 'level', 'rest']
        ) AS head
    FROM json_read
    WHERE NOT is_json AND console_shaped AND NOT blank
), console_split AS (
    SELECT *,
        regexp_extract(head.rest, '^(.*?)((?:^| )[A-Za-z_][\w.\-]*=.*)$', ['event', 'pairs']) AS parts
    FROM console_head
    WHERE head.level <> ''
), console_parts AS (
    SELECT line, head,
        CASE WHEN parts.pairs = '' THEN trim(head.rest) ELSE trim(parts.event) END AS event_and_logger,
        parts.pairs AS pairs
    FROM console_split
), console_fields AS (
    SELECT line, head, pairs,
        regexp_extract(event_and_logger, '^(.*?) *\[([^\]]+)\]$', ['event', 'logger']) AS named,
        event_and_logger
    FROM console_parts
    -- every pair is key=value with a plain, 'quoted' or {'flat': 1} value; anything else goes back
    WHERE regexp_full_match(pairs,
        '(?: *[^ =''"{}()\[\]]+=(?:''[^'']*''|\{(?:''[A-Za-z_]\w*'': -?(?:0|[1-9]\d*)(?:, ''[A-Za-z_]\w*'': -?(?:0|[1-9]\d*))*)?\}|[^ ''\[{(]\S*)?)* *')
        -- a Python dict literal keeps the last of a repeated key, a JSON object the first: send those back
        AND (NOT contains(pairs, '{') OR coalesce(list_bool_and(list_transform(
            regexp_extract_all(pairs, '\{[^{}]*\}'),
            lambda d: len(regexp_extract_all(d, '''(\w+)'':', 1)) = len(list_distinct(regexp_extract_all(d, '''(\w+)'':', 1)))
        )), true))
), console_json AS (
    SELECT line,
        '{' || array_to_string(list_concat(
            -- reversed: the first of a repeated key wins in JSON, the last wins in loglines.pairs
            list_reverse(list_transform(
                list_zip(
                    regexp_extract_all(pairs, '([^ =''"{}()\[\]]+)=(''[^'']*''|\{[^{}]*\}|[^ ''\[{(]\S*)?', 1),
                    regexp_extract_all(pairs, '([^ =''"{}()\[\]]+)=(''[^'']*''|\{[^{}]*\}|[^ ''\[{(]\S*)?', 2)
                ),
                lambda kv: '"' || kv[1] || '":' || CASE
                    -- an empty value (key=) is None in loglines._value
                    WHEN kv[2] IS NULL OR kv[2] = 'None' THEN 'null'
                    WHEN kv[2] IN ('True', 'true') THEN 'true'
                    WHEN kv[2] IN ('False', 'false') THEN 'false'
                    WHEN starts_with(kv[2], '''') THEN '"' || kv[2][2:-2] || '"'
                    WHEN starts_with(kv[2], '{') THEN replace(kv[2], '''', '"')
                    ELSE '"' || kv[2] || '"'
                END
            )),
            -- then what the head adds with setdefault: a logger, the event, the level and the time
            list_filter([
                CASE WHEN named.logger <> '' THEN '"logger":"' || named.logger || '"' END,
                '"event":"' || CASE WHEN named.logger <> '' THEN trim(named.event) ELSE event_and_logger END || '"',
                '"level":"' || lower(head.level) || '"',
                CASE WHEN head.ts <> '' THEN '"timestamp":"' || head.ts || '"' END
            ], lambda f: f IS NOT NULL)
        ), ',') || '}' AS console_record
    FROM console_fields
)
SELECT r.line, r.blank,
    CASE WHEN r.is_json THEN r.json_text
         WHEN json_valid(c.console_record) THEN c.console_record
    END AS record
FROM json_read AS r
LEFT JOIN console_json AS c USING (line)
