-- When a person ordered the rollback of a rollout after it had ended; null when nobody did. From then on the rollout
-- runs as the workflow rollout-<id>/rollback, which records its outcome on this row.
ALTER TABLE rollouts ADD COLUMN rollback_ordered_at TIMESTAMP WITH TIME ZONE;
