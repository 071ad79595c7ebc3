-- A robot belongs to at most one running rollout. A rollout takes its robots' leases in the transaction that records
-- it (the primary key refuses a robot leased already, however many starts race) and gives them back in the one that
-- records its final status.
CREATE TABLE robot_leases (
  robot_id   VARCHAR(200) NOT NULL PRIMARY KEY,
  rollout_id VARCHAR(200) NOT NULL REFERENCES rollouts (rollout_id),
  leased_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX robot_leases_rollout ON robot_leases (rollout_id, robot_id);
