-- Container-image functions (PackageType Image): the image a version runs, as Code.ImageUri named it;
-- NULL for a .zip function. The rest of an image version fits the existing columns: its ImageConfig
-- is part of the config JSON snapshot (src/functions/model.ts VersionConfig.imageConfig),
-- code_sha256 holds the image digest (src/functions/image.ts imageDigestHex) and code_size is 0,
-- as AWS reports for images. A published version keeps its image_uri, like its code digest.

ALTER TABLE function_versions ADD COLUMN image_uri TEXT;
