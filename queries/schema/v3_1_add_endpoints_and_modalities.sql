-- Returns nothing; schema version 3: each usage row keeps its endpoint, its audio and image token parts, and the
-- quantity of an endpoint billed in another unit (images, characters, seconds, bytes, sessions, tool calls); each
-- call keeps the audio and image parts of its tokens.
ALTER TABLE usage ADD COLUMN IF NOT EXISTS endpoint VARCHAR DEFAULT 'completions';
ALTER TABLE usage ADD COLUMN IF NOT EXISTS audio_input_tokens BIGINT DEFAULT 0;
ALTER TABLE usage ADD COLUMN IF NOT EXISTS audio_cached_tokens BIGINT DEFAULT 0;
ALTER TABLE usage ADD COLUMN IF NOT EXISTS audio_output_tokens BIGINT DEFAULT 0;
ALTER TABLE usage ADD COLUMN IF NOT EXISTS image_input_tokens BIGINT DEFAULT 0;
ALTER TABLE usage ADD COLUMN IF NOT EXISTS image_cached_tokens BIGINT DEFAULT 0;
ALTER TABLE usage ADD COLUMN IF NOT EXISTS image_output_tokens BIGINT DEFAULT 0;
ALTER TABLE usage ADD COLUMN IF NOT EXISTS quantity DECIMAL(38, 6);
ALTER TABLE usage ADD COLUMN IF NOT EXISTS unit VARCHAR;
ALTER TABLE usage ADD COLUMN IF NOT EXISTS detail VARCHAR;
ALTER TABLE calls ADD COLUMN IF NOT EXISTS audio_input_tokens BIGINT DEFAULT 0;
ALTER TABLE calls ADD COLUMN IF NOT EXISTS audio_output_tokens BIGINT DEFAULT 0;
ALTER TABLE calls ADD COLUMN IF NOT EXISTS image_input_tokens BIGINT DEFAULT 0;
