-- Append-only audit log, hash-chained per practice ("chain"; '-' for attempts that reached no practice).
-- Each record's hash covers its fields and the previous record's hash; audit_heads holds each
-- chain's last link (and, after retention purges, the first link still kept), so edits,
-- deletions and reorderings anywhere are detectable.
CREATE TABLE audit_log (
  chain        VARCHAR(36)    NOT NULL,
  seq          BIGINT         NOT NULL,
  at_ms        BIGINT         NOT NULL,
  kind         VARCHAR(16)    NOT NULL,
  actor        VARCHAR(200)   NOT NULL,
  action       VARCHAR(64)    NOT NULL,
  outcome      VARCHAR(40)    NOT NULL,
  query_id     VARCHAR(36),
  sql_hash     VARCHAR(64),
  sql_text     VARCHAR(16000),
  params_count INTEGER,
  row_count    BIGINT,
  bytes        BIGINT,
  queue_ms     BIGINT,
  exec_ms      BIGINT,
  detail       VARCHAR(8000),
  prev_hash    VARCHAR(64)    NOT NULL,
  hash         VARCHAR(64)    NOT NULL,
  PRIMARY KEY (chain, seq)
);
CREATE INDEX audit_by_time ON audit_log (chain, at_ms);

CREATE TABLE audit_heads (
  chain      VARCHAR(36) PRIMARY KEY,
  seq        BIGINT      NOT NULL,
  hash       VARCHAR(64) NOT NULL,
  base_seq   BIGINT      NOT NULL,
  base_hash  VARCHAR(64) NOT NULL
);
