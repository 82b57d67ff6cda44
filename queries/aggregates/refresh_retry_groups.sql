-- Returns nothing; recounts retry_groups for the runs in touched_runs, from the calls now stored ($floor as in
-- count_call_groups), and empties touched_runs. Only runs holding a retry are put in order, and only by what the
-- order needs: a window keeps every column it is given, for every call of every run.
DELETE FROM retry_groups AS g USING touched_runs AS t WHERE g.feature = t.feature AND g.order_key = t.order_key;
INSERT INTO retry_groups
WITH runs AS (
    SELECT DISTINCT feature, order_key FROM touched_runs
), keyed AS (
    SELECT coalesce(c.feature, '(untagged)') AS run_feature, coalesce(c.order_id, '') AS order_key,
        c.ts, c.source_id, c.line, c.item, c.attempt, c.finish_reason = 'length' AS truncated, c.status = 'rate_limited' AS limited
    FROM calls AS c
    SEMI JOIN runs AS r ON r.feature = coalesce(c.feature, '(untagged)') AND r.order_key = coalesce(c.order_id, '')
), retried AS (
    SELECT DISTINCT run_feature, order_key FROM keyed WHERE attempt > 1
), ordered AS (
    SELECT k.run_feature, k.order_key, k.source_id, k.line, k.item, k.attempt,
        lag(k.truncated) OVER w AS after_length, lag(k.limited) OVER w AS after_429,
        lag(CAST(k.ts AS DATE)) OVER w AS previous_day
    FROM keyed AS k
    SEMI JOIN retried AS r ON r.run_feature = k.run_feature AND r.order_key = k.order_key
    WINDOW w AS (PARTITION BY k.run_feature, k.order_key ORDER BY k.ts, k.source_id, k.line, k.item)
), picked AS (
    SELECT * FROM ordered WHERE attempt > 1 AND (after_length OR after_429)
)
SELECT
    p.run_feature, p.order_key, c.model, CAST(c.ts AS DATE) AS day, p.previous_day,
    coalesce(p.after_length, false), coalesce(p.after_429, false),
    c.tier, c.input_tokens + c.output_tokens > 0 AS billed,
    CASE WHEN c.input_tokens > $floor THEN c.input_tokens END AS long_input,
    c.audio_input_tokens > 0, c.audio_output_tokens > 0, c.image_input_tokens > 0,
    count(*), sum(c.input_tokens), sum(c.cached_tokens), sum(c.cache_write_tokens), sum(c.output_tokens),
    sum(c.audio_input_tokens), sum(c.audio_output_tokens), sum(c.image_input_tokens)
FROM picked AS p
JOIN calls AS c ON c.source_id = p.source_id AND c.line = p.line AND c.item = p.item
GROUP BY ALL;
DELETE FROM touched_runs
