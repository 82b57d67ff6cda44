-- Returns the lowest input size at which this session's prices bill long context (NULL: none do).
SELECT min(long_context_above) AS lowest FROM price_rates
