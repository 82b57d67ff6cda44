-- Creates scope_costs: the cost-export amounts whose bucket starts in the audited period, with the part of the bill
-- each line item is (NULL for an ungrouped row).
CREATE OR REPLACE TEMP TABLE scope_costs AS
SELECT CAST(bucket_start AS DATE) AS day, amount, lower(currency) AS currency, coalesce(project_id, '(none)') AS project,
    line_item_kind(line_item) AS line_item
FROM costs
WHERE ($since IS NULL OR CAST(bucket_start AS DATE) >= $since)
    AND ($until IS NULL OR CAST(bucket_start AS DATE) <= $until)
    -- the bill is not split by feature: a report narrowed to one feature has no billed side
    AND $feature IS NULL
