-- The suspicious-activity monitor (README, "Suspicious-activity monitor").
-- Alerts: one row per rule that fired, with the figures that tripped it (counts, thresholds, table
-- names, hours, an agent's address): never patient data, parameter values or SQL text. client_id is
-- null for a practice's own alerts (its agent key). paused: the rule's pauseIntegrator switch
-- disabled the integrator's grant when it fired. Acknowledged by a practice admin or the operator.
CREATE TABLE alerts (
  alert_id           VARCHAR(36)   PRIMARY KEY,
  practice_id        VARCHAR(36)   NOT NULL,
  client_id          VARCHAR(64),
  rule               VARCHAR(32)   NOT NULL,
  at_ms              BIGINT        NOT NULL,
  node_id            VARCHAR(100),
  figures            VARCHAR(4000) NOT NULL,
  paused             BOOLEAN       NOT NULL DEFAULT FALSE,
  acknowledged_by    VARCHAR(200),
  acknowledged_at_ms BIGINT
);
CREATE INDEX alerts_by_practice ON alerts (practice_id, at_ms);

-- What the monitor has learnt of each integrator at each practice (subject = client id) and of
-- each practice's agent (subject = ''): the tables read, the hours of day used, the busiest window
-- of each recent day, the agent's addresses. Compact JSON, a few hundred bytes; every node merges
-- its own into the row (union, maximum), so the nodes of a cluster learn from each other.
CREATE TABLE monitor_baselines (
  practice_id  VARCHAR(36)    NOT NULL,
  subject      VARCHAR(64)    NOT NULL,
  state        VARCHAR(32000) NOT NULL,
  updated_ms   BIGINT         NOT NULL,
  PRIMARY KEY (practice_id, subject)
);
