-- Quarantine (issue 13): one step that pauses every integration of a practice, optionally rotates
-- its agent key, and records why; resuming gives each integration back the status it had.
--
-- Every write of a grant moves its revision on (GrantStore.put), so resuming can tell a grant
-- the quarantine left as it was from one changed meanwhile (by the console, an operator or the
-- monitor), which keeps its new status instead of being overwritten.
ALTER TABLE grants ADD COLUMN revision BIGINT DEFAULT 0 NOT NULL;

-- A practice's current or last quarantine (a new one replaces a finished one; the audit log keeps
-- the history). Active while resumed_at_ms is null.
CREATE TABLE quarantines (
  practice_id    VARCHAR(36)   PRIMARY KEY REFERENCES practices (practice_id),
  reason         VARCHAR(2000) NOT NULL,
  started_by     VARCHAR(200)  NOT NULL,
  started_at_ms  BIGINT        NOT NULL,
  key_rotated    BOOLEAN       NOT NULL,
  resumed_by     VARCHAR(200),
  resumed_at_ms  BIGINT
);

-- Each grant of the practice as the quarantine found it: its status then, and the revision the
-- quarantine left it at. outcome: paused (the quarantine disabled it; waiting to be resumed),
-- unchanged (it was not enabled: nothing to resume), restored (resumed to saved_status), kept
-- (changed during the quarantine: resuming kept settled_status).
CREATE TABLE quarantine_grants (
  practice_id     VARCHAR(36)  NOT NULL REFERENCES quarantines (practice_id) ON DELETE CASCADE,
  client_id       VARCHAR(64)  NOT NULL,
  saved_status    VARCHAR(16)  NOT NULL,
  revision        BIGINT       NOT NULL,
  outcome         VARCHAR(16)  NOT NULL,
  settled_status  VARCHAR(16),
  settled_by      VARCHAR(200),
  settled_at_ms   BIGINT,
  PRIMARY KEY (practice_id, client_id)
);
