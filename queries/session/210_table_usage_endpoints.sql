-- Creates usage_endpoints: each Usage API endpoint with the catalog unit that bills its quantity, the line of the
-- bill it makes and whether logged calls can explain it (filled from endpoints.ENDPOINTS, the one list).
CREATE OR REPLACE TEMP TABLE usage_endpoints (
    name VARCHAR PRIMARY KEY,
    unit VARCHAR,
    line_item VARCHAR NOT NULL,
    attributable BOOLEAN NOT NULL
)
