-- Registered queries: an integrator's query that the practice's agent runs on a schedule, recording
-- a new result (a row of queries, mode 'registered') only when the rows' hash changed. The SQL is
-- kept as text (the audit log keeps it too); parameter values may be patient data, so they are kept
-- sealed with the results key (AES-GCM), as queries.request_sealed. last_hash is the SHA-256 of
-- the last stored result: the agent compares its runs with it. expired_at_ms is set by the cloud's
-- sweep once expires_at_ms has passed and the agent was told (null until then).
CREATE TABLE registered_queries (
  registration_id VARCHAR(36)      PRIMARY KEY,
  client_id       VARCHAR(64)      NOT NULL,
  practice_id     VARCHAR(36)      NOT NULL,
  sql_text        VARCHAR(1000000) NOT NULL,
  params_sealed   VARCHAR(1000000),
  params_count    INT              NOT NULL,
  catalogue       VARCHAR(128),
  every_seconds   INT              NOT NULL,
  expires_at_ms   BIGINT           NOT NULL,
  created_at_ms   BIGINT           NOT NULL,
  last_run_at_ms  BIGINT,
  last_change_at_ms BIGINT,
  last_result_id  VARCHAR(36),
  last_hash       VARCHAR(64),
  runs            BIGINT           NOT NULL DEFAULT 0,
  changes         BIGINT           NOT NULL DEFAULT 0,
  expired_at_ms   BIGINT
);
CREATE INDEX registered_by_practice ON registered_queries (practice_id, client_id);
CREATE INDEX registered_by_client ON registered_queries (client_id, created_at_ms);
CREATE INDEX registered_by_expiry ON registered_queries (expires_at_ms);
