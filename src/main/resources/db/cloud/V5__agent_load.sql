-- What the agent last reported of its load (queries waiting, running), with each heartbeat.
ALTER TABLE practices ADD COLUMN agent_queued INTEGER;
ALTER TABLE practices ADD COLUMN agent_running INTEGER;
