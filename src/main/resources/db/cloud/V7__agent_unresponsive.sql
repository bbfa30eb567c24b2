-- Set when a query dispatched to a connected agent went unacknowledged (the agent is frozen or
-- its host stalled while the connection stays up); cleared when the agent is heard again. Such an
-- agent shows as unreachable, with the last time it was really heard from, not its node's.
ALTER TABLE practices ADD COLUMN agent_unresponsive BOOLEAN DEFAULT FALSE NOT NULL;
