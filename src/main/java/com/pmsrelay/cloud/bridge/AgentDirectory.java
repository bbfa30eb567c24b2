package com.pmsrelay.cloud.bridge;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The agents connected to this cloud node: one session per practice, the newest wins. */
public final class AgentDirectory {
  private final ConcurrentHashMap<String, AgentSession> sessions = new ConcurrentHashMap<>();
  private final BridgeMeters meters;

  /** Without metrics (tests of other parts). */
  public AgentDirectory() {
    this(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
  }

  public AgentDirectory(io.micrometer.core.instrument.MeterRegistry registry) {
    this.meters = new BridgeMeters(registry, sessions);
  }

  BridgeMeters meters() {
    return meters;
  }

  void replace(String practiceId, AgentSession session) {
    meters.connected(practiceId, sessions);
    AgentSession previous = sessions.put(practiceId, session);
    if (previous != null && previous != session) {
      previous.replaced(session.bootId(), session.host());
    }
  }

  boolean remove(String practiceId, AgentSession session) {
    boolean removed = sessions.remove(practiceId, session);
    if (removed && !sessions.containsKey(practiceId)) {
      meters.disconnected(practiceId);
    }
    return removed;
  }

  /** Drops the practice's agent, if connected here (its key was rotated): it must authenticate anew. */
  public void drop(String practiceId, String reason) {
    AgentSession session = sessions.get(practiceId);
    if (session != null) {
      session.drop(reason);
    }
  }

  /** Sends a control message to the practice's agent, if connected to this node. */
  public void sendControl(String practiceId, io.vertx.core.json.JsonObject body) {
    AgentSession session = sessions.get(practiceId);
    if (session != null) {
      session.sendControl(body);
    }
  }

  /** Releases or the version policy changed: every agent connected here is told its offer anew, or dropped. */
  public void releasesChanged() {
    sessions.values().forEach(AgentSession::releasesChanged);
  }

  public boolean isConnected(String practiceId) {
    return sessions.containsKey(practiceId);
  }

  public Set<String> connectedPractices() {
    return Set.copyOf(sessions.keySet());
  }
}
