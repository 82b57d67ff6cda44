-- Creates costs: billed amounts from the cost export, exact to the export's precision.
CREATE TABLE IF NOT EXISTS costs (
    source_id INTEGER NOT NULL,
    line BIGINT NOT NULL,
    bucket_start TIMESTAMP NOT NULL,
    bucket_end TIMESTAMP,
    amount DECIMAL(38, 18) NOT NULL,
    currency VARCHAR NOT NULL,
    line_item VARCHAR,
    project_id VARCHAR,
    project_name VARCHAR,
    api_key_id VARCHAR,
    user_id VARCHAR,
    organization_id VARCHAR,
    quantity DOUBLE,
    quantity_unit VARCHAR
)
