package com.pmsrelay.agent.exec;

import io.vertx.core.json.JsonObject;

/**
 * Where one query's stream messages go (the bridge socket, in the agent). {@link #send} may block
 * the calling worker while the link is congested, which is how a slow reader slows the query.
 */
public interface ResultSink {
  /** Sends one stream message; false if the link is gone and no one will read the rest. */
  boolean send(JsonObject message, long deadlineNanos);
}
