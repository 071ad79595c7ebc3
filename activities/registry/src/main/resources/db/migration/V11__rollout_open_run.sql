-- The run of the rollout's workflow that is open (null while it continues as new): a robot workflow that finds the
-- run that started it still open when it records its outcome reports by its result alone, without a signal.
ALTER TABLE rollouts ADD COLUMN open_run_id VARCHAR(100);
