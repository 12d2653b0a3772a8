-- The durable queue of asynchronous (Event) invocations, and each function's, version's or alias's
-- event invoke configuration (PutFunctionEventInvokeConfig).
--
-- An accepted event is one row, inserted and committed before Invoke answers 202, and deleted only
-- once its outcome is settled (run, records delivered). `taken_at_ms` marks a row a worker of the
-- running server holds; the server clears every mark when it starts, since a mark left by a server
-- that died means "was running", and such an event runs again (at least once).

CREATE TABLE async_events (
  id              INTEGER PRIMARY KEY,
  request_id      TEXT NOT NULL UNIQUE,
  function_name   TEXT NOT NULL,
  -- as invoked: NULL (unqualified), `$LATEST`, a version number or an alias name
  qualifier       TEXT,
  payload         BLOB NOT NULL,
  client_context  TEXT,
  -- the event's age counts from here (MaximumEventAgeInSeconds)
  enqueued_at_ms  INTEGER NOT NULL,
  -- not run before this time (retry delays, throttle backoff)
  due_at_ms       INTEGER NOT NULL,
  -- runs of the function so far (its errors count against MaximumRetryAttempts)
  attempts        INTEGER NOT NULL DEFAULT 0,
  -- throttles and system errors in a row, for the backoff
  throttles       INTEGER NOT NULL DEFAULT 0,
  -- JSON of the last run's response (status, version, function error, payload) once there was one
  last_response   TEXT,
  -- JSON of a settled outcome whose records are still to be delivered; such a row never runs again
  settled         TEXT,
  taken_at_ms     INTEGER
);
CREATE INDEX async_events_ready ON async_events (function_name, due_at_ms, id) WHERE taken_at_ms IS NULL;

CREATE TABLE event_invoke_configs (
  function_name              TEXT NOT NULL REFERENCES functions(name) ON DELETE CASCADE,
  -- `$LATEST`, a version number or an alias name
  qualifier                  TEXT NOT NULL,
  maximum_retry_attempts     INTEGER,
  maximum_event_age_seconds  INTEGER,
  on_success                 TEXT,
  on_failure                 TEXT,
  last_modified_ms           INTEGER NOT NULL,
  PRIMARY KEY (function_name, qualifier)
);

-- A version or alias that goes takes its configuration with it.
CREATE TRIGGER event_invoke_configs_version_deleted AFTER DELETE ON function_versions BEGIN
  DELETE FROM event_invoke_configs WHERE function_name = OLD.function_name AND qualifier = OLD.version;
END;
CREATE TRIGGER event_invoke_configs_alias_deleted AFTER DELETE ON aliases BEGIN
  DELETE FROM event_invoke_configs WHERE function_name = OLD.function_name AND qualifier = OLD.name;
END;
