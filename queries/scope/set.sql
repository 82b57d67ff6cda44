-- Creates scope: the one row of the period (inclusive UTC days, NULL = open) and feature (NULL = all) that audit,
-- budget, report and explain read (scope.Scope.apply).
CREATE OR REPLACE TEMP TABLE scope AS
SELECT CAST($since AS DATE) AS scope_since, CAST($until AS DATE) AS scope_until, CAST($feature AS VARCHAR) AS scope_feature
