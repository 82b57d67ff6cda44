-- Returns the calls behind a number, dearest first (the latest first when $latest), with the file and line each came
-- from: the audited calls (scope_calls) of one feature, model, day and finding kind ($kind: which calls the finding
-- counts), NULL = any.
WITH picked AS (
    SELECT c.*, s.path
    FROM scope_calls AS c JOIN sources AS s USING (source_id)
    WHERE ($model IS NULL OR c.model = $model OR c.price_model = $model)
        AND ($day IS NULL OR c.day = $day)
        AND (CASE $kind
            WHEN 'truncation' THEN c.finish_reason = 'length'
            WHEN 'retry_waste' THEN c.status = 'error' AND c.input_tokens + c.output_tokens > 0
            WHEN 'rate_limited' THEN c.status = 'rate_limited'
            WHEN 'batch_eligible' THEN c.tier = 'default' AND c.priced AND c.input_tokens + c.output_tokens > 0
            ELSE true END)
)
SELECT path, line, ts, feature, model, tier, input_tokens, cached_tokens, output_tokens, status, finish_reason,
    cost_usd, count(*) OVER () AS matching, sum(cost_usd) OVER () AS matching_usd
FROM picked
ORDER BY CASE WHEN $latest THEN ts END DESC NULLS LAST, cost_usd DESC NULLS LAST, path, line
LIMIT $top
