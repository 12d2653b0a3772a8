-- Function URL configurations (CreateFunctionUrlConfig): at most one per function ($LATEST, for an
-- unqualified URL) and one per alias. `url_id` is the URL's own name (the `<url-id>` of
-- `<url-id>.lambda-url.<region>.on.aws`), fixed for the configuration's life.

CREATE TABLE function_url_configs (
  function_name  TEXT NOT NULL REFERENCES functions(name) ON DELETE CASCADE,
  -- `$LATEST` (the URL was created without a qualifier) or an alias name
  qualifier      TEXT NOT NULL,
  url_id         TEXT NOT NULL UNIQUE,
  auth_type      TEXT NOT NULL,
  -- JSON of the Cors shape as given; NULL when the URL has none
  cors           TEXT,
  -- NULL until a request names one (GetFunctionUrlConfig then shows BUFFERED, as AWS does)
  invoke_mode    TEXT,
  creation_time  TEXT NOT NULL,
  last_modified  TEXT NOT NULL,
  PRIMARY KEY (function_name, qualifier)
);

-- An alias that goes takes its URL with it (LocalStack's AWS-validated
-- test_lambda_url_persists_after_alias_delete: the URL config is gone and the URL answers 403).
CREATE TRIGGER function_url_configs_alias_deleted AFTER DELETE ON aliases BEGIN
  DELETE FROM function_url_configs WHERE function_name = OLD.function_name AND qualifier = OLD.name;
END;
