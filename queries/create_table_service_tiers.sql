-- Creates service_tiers: each service_tier name OpenAI reports, lowercase, with the catalog tier that bills it
-- (filled from prices.TIER_NAMES, the one mapping; a name not listed bills as default).
CREATE OR REPLACE TEMP TABLE service_tiers (name VARCHAR PRIMARY KEY, tier VARCHAR NOT NULL)
