-- Telemetry leaves Temporal for POST /api/v1/telemetry, authenticated by a token bound to one robot.
-- A robot token (role robot) may only report that robot's telemetry; null for people's tokens.
ALTER TABLE api_tokens ADD COLUMN robot_id VARCHAR(200);

-- What the agent reports beside battery, temperature and installed version: the update step it runs (null when
-- idle, or from an agent that does not say) and its own version.
ALTER TABLE robot_telemetry ADD COLUMN update_step VARCHAR(32);
ALTER TABLE robot_telemetry ADD COLUMN agent_version VARCHAR(100);
