-- Signed heads of the audit chains: now and then (audit.signHeadsEveryMs, and at a clean stop) a
-- node signs each chain's head that moved with an Ed25519 key derived from the master key, which
-- the store never holds. A chain's signed heads are numbered n = 1, 2, ... with no gap; each names
-- the audit position (seq) and record hash it vouches for and links to signed head n - 1 (its
-- position, and prev_link: SHA-256 of that head's signed statement), so a removed one is missed.
-- The primary key keeps them a single line: two nodes signing at once cannot both add head n.
CREATE TABLE audit_signed_heads (
  chain         VARCHAR(36)  NOT NULL,
  n             BIGINT       NOT NULL,
  seq           BIGINT       NOT NULL,
  hash          VARCHAR(64)  NOT NULL,
  signed_at_ms  BIGINT       NOT NULL,
  prev_seq      BIGINT       NOT NULL,
  prev_link     VARCHAR(64)  NOT NULL,
  key_id        VARCHAR(16)  NOT NULL,
  signature     VARCHAR(100) NOT NULL,
  PRIMARY KEY (chain, n)
);
