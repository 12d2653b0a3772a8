-- One row per finished invocation (feeds metering), and the function's log lines per log group and
-- stream (feeds log features). Both are written in batches, off the invoke's critical path.

CREATE TABLE invocations (
  request_id          TEXT PRIMARY KEY,
  function_name       TEXT NOT NULL,
  version             TEXT NOT NULL,
  started_at_ms       INTEGER NOT NULL,
  duration_ms         REAL NOT NULL,
  billed_ms           INTEGER NOT NULL,
  memory_mb           INTEGER NOT NULL,
  max_memory_used_mb  INTEGER NOT NULL,
  init_duration_ms    REAL,
  outcome             TEXT NOT NULL
);
CREATE INDEX invocations_by_function ON invocations (function_name, started_at_ms);

CREATE TABLE log_events (
  id              INTEGER PRIMARY KEY,
  log_group       TEXT NOT NULL,
  log_stream      TEXT NOT NULL,
  timestamp_ms    INTEGER NOT NULL,
  message         TEXT NOT NULL
);
CREATE INDEX log_events_by_stream ON log_events (log_group, log_stream, timestamp_ms);
