-- Returns, per source of $sources, the parent spans passed over and how many of them carry tokens that differ from
-- the sum of the calls beneath them. A span is a call when its kind says it is one request to a model ($kinds);
-- otherwise a span with a call beneath it (however many spans lie between) is an aggregate of its children's tokens
-- (an agent run, a chain, a generateText around its doGenerate) and is passed over, never counted twice.
CREATE OR REPLACE TEMP TABLE parent_spans AS
WITH RECURSIVE links AS (
    SELECT source_id, span_id, parent_span_id FROM calls
    WHERE source_id IN (SELECT unnest($sources)) AND span_id IS NOT NULL AND origin <> 'bad'
    UNION
    SELECT source_id, span_id, parent_span_id FROM trace_spans WHERE source_id IN (SELECT unnest($sources))
), up(source_id, line, item, ancestor) AS (
    SELECT source_id, line, item, parent_span_id FROM calls
    WHERE source_id IN (SELECT unnest($sources)) AND parent_span_id IS NOT NULL AND origin <> 'bad'
    UNION
    SELECT u.source_id, u.line, u.item, l.parent_span_id
    FROM up AS u JOIN links AS l ON l.source_id = u.source_id AND l.span_id = u.ancestor
    WHERE l.parent_span_id IS NOT NULL
), parents AS (
    SELECT c.source_id, c.line, c.item, c.input_tokens, c.output_tokens
    FROM calls AS c SEMI JOIN up AS u ON u.source_id = c.source_id AND u.ancestor = c.span_id
    WHERE c.source_id IN (SELECT unnest($sources)) AND c.origin <> 'bad'
        AND NOT list_contains($kinds, lower(coalesce(c.span_kind, '')))
), beneath AS (
    -- the calls under each parent that are not parents themselves: what the parent's tokens should add up to
    SELECT p.source_id, p.line, p.item, any_value(p.input_tokens) AS own_input, any_value(p.output_tokens) AS own_output,
        sum(c.input_tokens) AS input_tokens, sum(c.output_tokens) AS output_tokens
    FROM parents AS p
    JOIN calls AS pc ON pc.source_id = p.source_id AND pc.line = p.line AND pc.item = p.item
    JOIN up AS u ON u.source_id = p.source_id AND u.ancestor = pc.span_id
    JOIN calls AS c ON c.source_id = u.source_id AND c.line = u.line AND c.item = u.item
    ANTI JOIN parents AS q ON q.source_id = c.source_id AND q.line = c.line AND q.item = c.item
    GROUP BY p.source_id, p.line, p.item
)
SELECT p.source_id, p.line, p.item,
    coalesce(b.own_input <> b.input_tokens OR b.own_output <> b.output_tokens, false) AS disagrees
FROM parents AS p LEFT JOIN beneath AS b USING (source_id, line, item);
UPDATE calls AS c SET origin = 'passed', error = 'a parent span (its tokens are its children''s)'
FROM parent_spans AS p WHERE c.source_id = p.source_id AND c.line = p.line AND c.item = p.item;
SELECT source_id, count(*) AS parents, count(*) FILTER (WHERE disagrees) AS disagreeing
FROM parent_spans GROUP BY source_id ORDER BY source_id
