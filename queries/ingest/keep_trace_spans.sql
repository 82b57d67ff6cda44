-- Returns nothing; keeps the span id and parent of every incoming trace record that is not a call (an agent run, a
-- tool, a step), so that a call can be traced to the spans above it whatever lies between.
INSERT INTO trace_spans
SELECT source_id, plain_text(j_span_id), plain_text(j_parent_span_id)
FROM record_values
WHERE j_span_id IS NOT NULL AND j_input_tokens IS NULL AND j_output_tokens IS NULL
