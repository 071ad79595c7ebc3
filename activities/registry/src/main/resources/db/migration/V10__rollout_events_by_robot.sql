-- The metrics' count of first records (RegistryCounts.eventsAfter) looks up each new event's earlier twins: by
-- rollout alone that scanned the rollout's whole trail per event, quadratic in its size (500,000 events for
-- 100,000 robots); by robot, state and id it is one index probe.
CREATE INDEX rollout_events_robot ON rollout_events (rollout_id, robot_id, kind, status, id);
