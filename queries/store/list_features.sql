-- Returns every feature the store's calls carry ('(untagged)' for calls with none), for checking a --feature.
SELECT DISTINCT coalesce(feature, '(untagged)') AS feature FROM call_groups ORDER BY feature
