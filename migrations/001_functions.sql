-- Functions, their versions (`$LATEST` plus published snapshots) and aliases.
-- A version row's config is a JSON snapshot (src/functions/model.ts VersionConfig): published rows
-- are never updated, so a published version stays exactly as it was.

CREATE TABLE functions (
  name                 TEXT PRIMARY KEY,
  created_at           TEXT NOT NULL,
  next_version         INTEGER NOT NULL DEFAULT 1,
  tags                 TEXT NOT NULL DEFAULT '{}',
  reserved_concurrency INTEGER,
  policy               TEXT NOT NULL DEFAULT '[]',
  policy_revision_id   TEXT NOT NULL
);

CREATE TABLE function_versions (
  function_name  TEXT NOT NULL REFERENCES functions(name) ON DELETE CASCADE,
  version        TEXT NOT NULL,
  -- numeric sort key: 0 for $LATEST
  version_number INTEGER NOT NULL,
  config         TEXT NOT NULL,
  code_sha256    TEXT NOT NULL,
  code_size      INTEGER NOT NULL,
  last_modified  TEXT NOT NULL,
  revision_id    TEXT NOT NULL,
  PRIMARY KEY (function_name, version)
);

CREATE TABLE aliases (
  function_name    TEXT NOT NULL REFERENCES functions(name) ON DELETE CASCADE,
  name             TEXT NOT NULL,
  function_version TEXT NOT NULL,
  description      TEXT NOT NULL DEFAULT '',
  routing          TEXT NOT NULL DEFAULT '{}',
  revision_id      TEXT NOT NULL,
  PRIMARY KEY (function_name, name)
);
