-- The latest telemetry report of each robot (battery, temperature, installed version), overwritten on every report.
CREATE TABLE robot_telemetry (
  robot_id          VARCHAR(200)     NOT NULL PRIMARY KEY,
  battery_percent   DOUBLE PRECISION NOT NULL,
  temperature_c     DOUBLE PRECISION NOT NULL,
  installed_version VARCHAR(100),
  sent_at           TIMESTAMP WITH TIME ZONE NOT NULL,
  received_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
