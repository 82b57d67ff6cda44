-- Returns the number of rows stored; copies cost-export rows that carry an amount into costs.
INSERT INTO costs
SELECT
    $source_id, line,
    bucket_time(start_time, start_time_iso),
    bucket_time(end_time, end_time_iso),
    exact_amount(amount_value),  -- 18 decimals kept, the rest rounded half to even
    lower(coalesce(amount_currency, 'usd')),
    line_item, project_id, project_name, api_key_id, user_id, organization_id,
    TRY_CAST(quantity AS DOUBLE), quantity_unit
FROM export_rows
WHERE amount_value IS NOT NULL
