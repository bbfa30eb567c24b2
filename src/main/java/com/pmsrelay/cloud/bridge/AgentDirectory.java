package com.pmsrelay.cloud.bridge;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The agents connected to this cloud node: one session per practice, the newest wins. */
public final class AgentDirectory {
  private final ConcurrentHashMap<String, AgentSession> sessions = new ConcurrentHashMap<>();

  void replace(String practiceId, AgentSession session) {
    AgentSession previous = sessions.put(practiceId, session);
    if (previous != null && previous != session) {
      previous.replaced(session.bootId(), session.host());
    }
  }

  boolean remove(String practiceId, AgentSession session) {
    return sessions.remove(practiceId, session);
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
