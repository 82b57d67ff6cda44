-- Returns, per feature, how many calls that returned a completion (as budget counts them) gave each number of
-- completion tokens, in the scope (scope.Scope).
SELECT coalesce(c.feature, '(untagged)') AS feature, c.output_tokens, CAST(sum(c.calls) AS BIGINT) AS calls
FROM output_counts AS c, scope AS s
WHERE in_scope(c.day, c.feature, s.scope_since, s.scope_until, s.scope_feature)
GROUP BY ALL
ORDER BY feature, c.output_tokens
