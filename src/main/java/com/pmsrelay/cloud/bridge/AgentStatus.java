package com.pmsrelay.cloud.bridge;

import com.pmsrelay.cloud.store.Practice;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * How an integrator sees a practice's agent: {@code online} while its socket is up and heard from,
 * {@code unreachable} when connected but silent past the heartbeat time-out or not acknowledging
 * queries, else {@code offline}.
 */
public final class AgentStatus {
  private final Duration heartbeatTimeout;

  public AgentStatus(Duration heartbeatTimeout) {
    this.heartbeatTimeout = heartbeatTimeout;
  }

  public String status(Practice p) {
    if (!p.agentConnected()) {
      return "offline";
    }
    if (p.agentUnresponsive()) {
      return "unreachable";
    }
    OffsetDateTime lastSeen = p.agentLastSeen();
    boolean fresh = lastSeen != null && lastSeen.isAfter(OffsetDateTime.now().minus(heartbeatTimeout));
    return fresh ? "online" : "unreachable";
  }

  public JsonObject json(Practice p) {
    return new JsonObject()
        .put("status", status(p))
        .put("lastSeen", p.agentLastSeen() == null ? null : p.agentLastSeen().toInstant().toString())
        .put("version", p.agentVersion())
        .put("queueDepth", p.agentConnected() ? p.agentQueued() : null)
        .put("running", p.agentConnected() ? p.agentRunning() : null);
  }
}
