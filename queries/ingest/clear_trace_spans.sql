-- Returns nothing; empties trace_spans once a batch of files has been passed over for parent spans.
DELETE FROM trace_spans
