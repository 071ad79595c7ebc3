-- Container image releases: the image by digest (registry/repository@sha256:<hex>), pulled by the robot's container
-- engine, instead of an archive's download URL. Exactly one of the two is set.
ALTER TABLE releases ALTER COLUMN artifact_url DROP NOT NULL;
ALTER TABLE releases ADD COLUMN image VARCHAR(1000);
ALTER TABLE releases ADD CONSTRAINT releases_one_artifact CHECK ((artifact_url IS NULL) <> (image IS NULL));
