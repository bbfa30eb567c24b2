-- Cloud nodes and when each last recorded itself alive (every second while it runs). A node
-- vouches for the agents connected through it: its bridge closes a socket silent for the heartbeat
-- time-out and records the disconnect, so an idle agent needs no write of its own. A crashed
-- node's row goes stale, and so do its agents, which then show as unreachable.
CREATE TABLE cloud_nodes (
  node_id   VARCHAR(100) PRIMARY KEY,
  alive_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
