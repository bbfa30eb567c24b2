-- Queries the cloud keeps: every async query, and every immediate query sent with an
-- idempotencyKey (a repeat within 24 h is answered from it and never runs the SQL again). The
-- request itself (SQL and parameter values) is kept sealed with the results key (AES-GCM) and only
-- until the query ends; results live in encrypted files under dataDir/results. The node running a
-- query owns it; a node that finds the owner dead (cloud_nodes) adopts its unfinished async queries.
CREATE TABLE queries (
  query_id        VARCHAR(36)      PRIMARY KEY,
  client_id       VARCHAR(64)      NOT NULL,
  practice_id     VARCHAR(36)      NOT NULL,
  mode            VARCHAR(16)      NOT NULL,
  status          VARCHAR(16)      NOT NULL,
  idempotency_key VARCHAR(200),
  request_hash    VARCHAR(64)      NOT NULL,
  request_sealed  VARCHAR(1000000),
  node_id         VARCHAR(100),
  accepted_by     VARCHAR(64),
  created_at_ms   BIGINT           NOT NULL,
  finished_at_ms  BIGINT,
  expires_at_ms   BIGINT,
  row_count       BIGINT,
  truncated       BOOLEAN,
  result_bytes    BIGINT,
  queue_ms        BIGINT,
  exec_ms         BIGINT,
  error_code      VARCHAR(64),
  error_detail    VARCHAR(2000)
);
CREATE UNIQUE INDEX queries_by_key ON queries (client_id, idempotency_key);
CREATE INDEX queries_by_client ON queries (client_id, created_at_ms);
CREATE INDEX queries_by_status ON queries (status, node_id);
