-- Creates scope_costs: the cost-export amounts whose bucket starts in the scope's period, with the part of the bill
-- each line item is (NULL for an ungrouped row) and the line item's own text (a model's name, for one).
CREATE OR REPLACE TEMP TABLE scope_costs AS
SELECT CAST(bucket_start AS DATE) AS day, amount, lower(currency) AS currency, coalesce(project_id, '(none)') AS project,
    line_item_kind(line_item) AS line_item, line_item AS line_item_text
FROM costs, scope AS s
-- the bill is not split by feature: a report narrowed to one feature has no billed side
WHERE in_scope(CAST(bucket_start AS DATE), NULL, s.scope_since, s.scope_until, NULL) AND s.scope_feature IS NULL
