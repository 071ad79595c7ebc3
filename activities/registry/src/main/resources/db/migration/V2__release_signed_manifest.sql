-- Signed releases: the release manifest signed by the control plane (JSON of io.otaflow.signing.SignedManifest),
-- handed to robots with the release. NULL for an unsigned release, which a robot that trusts keys refuses.
ALTER TABLE releases ADD COLUMN signed_manifest TEXT;
