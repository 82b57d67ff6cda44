-- Creates trace_spans: the span and parent ids of an ingest's trace records that are not calls, for the pass over
-- parent spans at the end of each batch of files.
CREATE TEMP TABLE IF NOT EXISTS trace_spans (source_id INTEGER NOT NULL, span_id VARCHAR, parent_span_id VARCHAR)
