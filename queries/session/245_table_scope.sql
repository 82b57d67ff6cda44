-- Creates scope with no limits (every day, every feature), until a command sets its own (scope.Scope.apply).
CREATE OR REPLACE TEMP TABLE scope AS
SELECT CAST(NULL AS DATE) AS scope_since, CAST(NULL AS DATE) AS scope_until, CAST(NULL AS VARCHAR) AS scope_feature
