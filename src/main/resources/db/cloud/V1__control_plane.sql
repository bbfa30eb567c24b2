-- Control-plane schema: portable between H2 and PostgreSQL.
CREATE TABLE practices (
  practice_id      VARCHAR(36)  PRIMARY KEY,
  name             VARCHAR(200) NOT NULL,
  agent_key_hash   VARCHAR(100) NOT NULL,
  pms_kind         VARCHAR(40),
  pms_version      VARCHAR(200),
  agent_version    VARCHAR(40),
  agent_connected  BOOLEAN      NOT NULL DEFAULT FALSE,
  agent_node       VARCHAR(100),
  agent_last_seen  TIMESTAMP WITH TIME ZONE,
  created_at       TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE integrators (
  client_id    VARCHAR(64)   PRIMARY KEY,
  name         VARCHAR(200)  NOT NULL,
  secret_hash  VARCHAR(200)  NOT NULL,
  status       VARCHAR(16)   NOT NULL,
  webhook_url  VARCHAR(2000),
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE grants (
  practice_id          VARCHAR(36)   NOT NULL REFERENCES practices (practice_id),
  client_id            VARCHAR(64)   NOT NULL REFERENCES integrators (client_id),
  status               VARCHAR(16)   NOT NULL,
  scopes               VARCHAR(8000) NOT NULL,
  max_rows             INTEGER       NOT NULL,
  max_timeout_ms       INTEGER       NOT NULL,
  max_queue_timeout_ms INTEGER       NOT NULL,
  rate_per_minute      INTEGER       NOT NULL,
  weight               INTEGER       NOT NULL,
  updated_at           TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (practice_id, client_id)
);
CREATE INDEX grants_by_client ON grants (client_id);

CREATE TABLE signing_keys (
  kid          VARCHAR(64)   PRIMARY KEY,
  algorithm    VARCHAR(16)   NOT NULL,
  private_jwk  VARCHAR(4000) NOT NULL,
  public_jwk   VARCHAR(4000) NOT NULL,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  retired_at   TIMESTAMP WITH TIME ZONE
);

CREATE TABLE console_users (
  username       VARCHAR(100) PRIMARY KEY,
  practice_id    VARCHAR(36)  NOT NULL REFERENCES practices (practice_id),
  password_hash  VARCHAR(200) NOT NULL,
  created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
