-- Creates empty session tables that stand in for the stored aggregates whose counts depend on the long-context
-- floor, for a session whose prices bill long context below it (aggregates.fit_prices).
CREATE OR REPLACE TEMP TABLE output_counts AS SELECT * FROM main.output_counts LIMIT 0;
CREATE OR REPLACE TEMP TABLE call_groups AS SELECT * FROM main.call_groups LIMIT 0;
CREATE OR REPLACE TEMP TABLE order_groups AS SELECT * FROM main.order_groups LIMIT 0;
CREATE OR REPLACE TEMP TABLE call_values AS SELECT * FROM main.call_values LIMIT 0;
CREATE OR REPLACE TEMP TABLE retry_groups AS SELECT * FROM main.retry_groups LIMIT 0
