-- Provisioned concurrency configurations (PutProvisionedConcurrencyConfig): one per published
-- version or alias. Only the requested count is stored; the environments themselves are started
-- again at start-up, so Status and the allocated counts live in memory.

CREATE TABLE provisioned_concurrency_configs (
  function_name  TEXT NOT NULL REFERENCES functions(name) ON DELETE CASCADE,
  -- a version number or an alias name (never `$LATEST`)
  qualifier      TEXT NOT NULL,
  requested      INTEGER NOT NULL,
  last_modified  TEXT NOT NULL,
  PRIMARY KEY (function_name, qualifier)
);

-- A version or alias that goes takes its configuration with it.
CREATE TRIGGER provisioned_concurrency_alias_deleted AFTER DELETE ON aliases BEGIN
  DELETE FROM provisioned_concurrency_configs WHERE function_name = OLD.function_name AND qualifier = OLD.name;
END;

CREATE TRIGGER provisioned_concurrency_version_deleted AFTER DELETE ON function_versions BEGIN
  DELETE FROM provisioned_concurrency_configs WHERE function_name = OLD.function_name AND qualifier = OLD.version;
END;
