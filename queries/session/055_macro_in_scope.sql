-- Creates in_scope(day, feature, since, until, one_feature): whether a row of `day` and `feature` is in the scope whose
-- columns follow (scope.Scope; NULL = open): the one reading of the period and feature, for every command.
CREATE OR REPLACE TEMP MACRO in_scope(day, feature, since, "until", one_feature) AS
    (since IS NULL OR day >= since) AND ("until" IS NULL OR day <= "until")
    AND (one_feature IS NULL OR coalesce(feature, '(untagged)') = one_feature)
