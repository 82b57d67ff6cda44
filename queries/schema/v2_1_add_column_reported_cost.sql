-- Returns nothing; schema version 2: the cost the tool that wrote a record reported (LiteLLM's spend), beside costcap's price.
ALTER TABLE calls ADD COLUMN IF NOT EXISTS reported_cost_usd DECIMAL(38, 16)
