-- Lambda layers (PublishLayerVersion et al.): one row per layer name, one per published version.
-- A version row is never updated except for its resource policy and its `deleted` mark: a layer
-- version is immutable. DeleteLayerVersion only marks the row, because functions that already use
-- the version keep running it ("a copy of the version remains in Lambda until no functions refer
-- to it", DeleteLayerVersion in the API reference): the row keeps its code digest and size.

CREATE TABLE layers (
  name         TEXT PRIMARY KEY,
  -- the next number PublishLayerVersion hands out; never goes down, so numbers are never reused
  next_version INTEGER NOT NULL
);

CREATE TABLE layer_versions (
  layer_name               TEXT NOT NULL REFERENCES layers(name),
  version                  INTEGER NOT NULL,
  description              TEXT NOT NULL DEFAULT '',
  license_info             TEXT,
  -- JSON arrays as given; NULL when the request had none (the response then has no member)
  compatible_runtimes      TEXT,
  compatible_architectures TEXT,
  code_sha256              TEXT NOT NULL,
  code_size                INTEGER NOT NULL,
  -- bytes of the unpacked tree: what counts against the 250 MB of a function plus its layers
  unzipped_size            INTEGER NOT NULL,
  created_date             TEXT NOT NULL,
  policy                   TEXT NOT NULL DEFAULT '[]',
  -- NULL until the first AddLayerVersionPermission
  policy_revision_id       TEXT,
  deleted                  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (layer_name, version)
);

CREATE INDEX layer_versions_by_code ON layer_versions (code_sha256);
