-- Returns nothing; recounts retry_groups for the runs in touched_runs, from the calls now stored ($floor as in
-- count_call_groups), and empties touched_runs. Only runs holding a retry are put in order.
DELETE FROM retry_groups AS g USING touched_runs AS t WHERE g.feature = t.feature AND g.order_key = t.order_key;
INSERT INTO retry_groups
WITH runs AS (
    SELECT DISTINCT feature, order_key FROM touched_runs
), keyed AS (
    SELECT c.*, coalesce(c.feature, '(untagged)') AS run_feature, coalesce(c.order_id, '') AS order_key
    FROM calls AS c
    SEMI JOIN runs AS r ON r.feature = coalesce(c.feature, '(untagged)') AND r.order_key = coalesce(c.order_id, '')
), retried AS (
    SELECT DISTINCT run_feature, order_key FROM keyed WHERE attempt > 1
), ordered AS (
    SELECT k.*,
        lag(k.finish_reason) OVER w AS previous_finish,
        lag(k.status) OVER w AS previous_status,
        lag(CAST(k.ts AS DATE)) OVER w AS previous_day
    FROM keyed AS k
    SEMI JOIN retried AS r ON r.run_feature = k.run_feature AND r.order_key = k.order_key
    WINDOW w AS (PARTITION BY k.run_feature, k.order_key ORDER BY k.ts, k.source_id, k.line)
)
SELECT
    run_feature, order_key, model, CAST(ts AS DATE) AS day, previous_day,
    coalesce(previous_finish = 'length', false) AS after_length,
    coalesce(previous_status = 'rate_limited', false) AS after_429,
    tier, input_tokens + output_tokens > 0 AS billed,
    CASE WHEN input_tokens > $floor THEN input_tokens END AS long_input,
    audio_input_tokens > 0, audio_output_tokens > 0, image_input_tokens > 0,
    count(*), sum(input_tokens), sum(cached_tokens), sum(cache_write_tokens), sum(output_tokens),
    sum(audio_input_tokens), sum(audio_output_tokens), sum(image_input_tokens)
FROM ordered
WHERE attempt > 1 AND (previous_finish = 'length' OR previous_status = 'rate_limited')
GROUP BY ALL;
DELETE FROM touched_runs
