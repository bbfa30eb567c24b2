-- Practice admins' console: lock-out after repeated failures, and server-side sessions (the
-- cookie carries a random id; only its hash is stored) with a CSRF token each.
ALTER TABLE console_users ADD COLUMN failed_logins INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE console_users ADD COLUMN locked_until_ms BIGINT DEFAULT 0 NOT NULL;

CREATE TABLE console_sessions (
  session_hash   VARCHAR(64)  PRIMARY KEY,
  username       VARCHAR(100) NOT NULL REFERENCES console_users (username),
  practice_id    VARCHAR(36)  NOT NULL REFERENCES practices (practice_id),
  csrf_token     VARCHAR(64)  NOT NULL,
  expires_at_ms  BIGINT       NOT NULL
);
