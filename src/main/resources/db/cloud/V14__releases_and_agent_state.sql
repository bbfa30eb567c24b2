-- Agent self-update, version policy and server moves (issue 16).
--
-- releases: one published agent jar. The signature (Ed25519, base64) covers the line
-- "pms-relay release <version> size <size_bytes> sha256 <sha256>"; the private key never reaches
-- the cloud, agents pin the public half. Roll-out: practices whose stable hash of their id mod 100
-- is below rollout_percent, plus those listed in rollout_practices (ids, comma separated); 100 is
-- everyone. A withdrawn release is offered to nobody.
CREATE TABLE releases (
  version           VARCHAR(64)     PRIMARY KEY,
  size_bytes        BIGINT          NOT NULL,
  sha256            VARCHAR(64)     NOT NULL,
  signature         VARCHAR(200)    NOT NULL,
  published_at_ms   BIGINT          NOT NULL,
  rollout_percent   INT             DEFAULT 0 NOT NULL,
  rollout_practices VARCHAR(100000),
  withdrawn_at_ms   BIGINT
);

-- The jar itself, in chunks of 256 KiB as the bridge sends them to agents: kept in the store, not
-- in a folder, so every node of a cluster serves it with nothing shared but the database, and a
-- chunk is read only when an agent asks for it. BYTEA is PostgreSQL's type and H2's alias of
-- BINARY VARYING.
CREATE TABLE release_chunks (
  version VARCHAR(64) NOT NULL,
  seq     INT         NOT NULL,
  bytes   BYTEA       NOT NULL,
  PRIMARY KEY (version, seq)
);

-- The one version policy (id 1): agents below minimum are refused at connect, below recommended
-- they are warned. Null: no bound.
CREATE TABLE version_policy (
  id          INT         PRIMARY KEY,
  minimum     VARCHAR(64),
  recommended VARCHAR(64),
  set_at_ms   BIGINT      NOT NULL
);

-- What the cloud last heard of each practice's agent beyond its connection: the address it
-- connects from, and how its last update went (offered, downloading, refused, switched,
-- rolled-back, with the agent's reason).
CREATE TABLE agent_state (
  practice_id    VARCHAR(36)  PRIMARY KEY,
  address        VARCHAR(64),
  address_at_ms  BIGINT,
  update_version VARCHAR(64),
  update_state   VARCHAR(16),
  update_reason  VARCHAR(500),
  update_at_ms   BIGINT
);

-- Agent keys replaced because the practice moved to a new server (hashed, as practices keep
-- theirs): an agent still presenting one is told that, not merely refused.
CREATE TABLE agent_key_moves (
  practice_id VARCHAR(36) NOT NULL,
  key_hash    VARCHAR(64) NOT NULL,
  moved_at_ms BIGINT      NOT NULL,
  PRIMARY KEY (practice_id, key_hash)
);
