package com.pmsrelay.agent.exec;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Where one query's stream messages go (the bridge socket, in the agent). {@link #send} may block
 * the calling worker while the link is congested, which is how a slow reader slows the query.
 */
@FunctionalInterface
public interface ResultSink {
  /**
   * Sends consecutive stream messages, in order and in one write where the sink can (a small
   * result's columns, rows and end then cross the bridge as one TLS record); false if the link is
   * gone and no one will read the rest.
   */
  boolean send(List<JsonObject> messages, long deadlineNanos);

  default boolean send(JsonObject message, long deadlineNanos) {
    return send(List.of(message), deadlineNanos);
  }
}
