-- Creates names_tokens(key, camel, token_words, limit_words): whether a key names a token count, by the patterns of
-- data/vocabulary.toml [names]: its words (a camelCase capital starts one) say tokens and not a limit.
CREATE OR REPLACE TEMP MACRO names_tokens(key, camel, token_words, limit_words) AS
    regexp_matches(lower(regexp_replace(key, camel, '\1_\2', 'g')), token_words)
    AND NOT regexp_matches(lower(regexp_replace(key, camel, '\1_\2', 'g')), limit_words)
