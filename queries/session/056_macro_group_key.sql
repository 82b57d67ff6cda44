-- Creates group_key(key_name, feature, model, day, batch_type, order_id): the key a breakdown groups a row of calls under
-- for one of audit's --by keys (week: ISO week, month: calendar month, both of UTC days).
CREATE OR REPLACE TEMP MACRO group_key(key_name, feature, model, day, batch_type, order_id) AS
    CASE key_name
        WHEN 'model' THEN model
        WHEN 'day' THEN coalesce(CAST(day AS VARCHAR), '(no time)')
        WHEN 'week' THEN coalesce(strftime(day, '%G-W%V'), '(no time)')
        WHEN 'month' THEN coalesce(strftime(day, '%Y-%m'), '(no time)')
        WHEN 'batch_type' THEN batch_type
        WHEN 'order' THEN order_id
        ELSE feature
    END
