-- Returns, per feature, how many calls that returned a completion (as budget counts them) gave each number of
-- completion tokens, in the audited period and feature (audit_scope, which audit leaves).
SELECT coalesce(c.feature, '(untagged)') AS feature, c.output_tokens, CAST(sum(c.calls) AS BIGINT) AS calls
FROM output_counts AS c, audit_scope AS s
WHERE (s.since IS NULL OR c.day >= s.since)
    AND (s."until" IS NULL OR c.day <= s."until")
    AND (s.only_feature IS NULL OR coalesce(c.feature, '(untagged)') = s.only_feature)
GROUP BY ALL
ORDER BY feature, c.output_tokens
