package com.pmsrelay.cloud.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * A practice's quarantine (its current or last one): who started it, when and why, whether the
 * agent key was rotated, and each grant as the quarantine found it. Active until resumed.
 */
public record Quarantine(String practiceId, String reason, String startedBy, long startedAtMs, boolean agentKeyRotated,
    String resumedBy, Long resumedAtMs, List<Hold> holds) {

  /** What became of one grant. */
  public enum Outcome {
    /** The quarantine disabled it (it was enabled); waiting to be resumed. */
    PAUSED,
    /** It was not enabled: the quarantine left it, and resuming has nothing to give back. */
    UNCHANGED,
    /** Resumed: it has its status from before the quarantine again. */
    RESTORED,
    /** Changed during the quarantine (console, operator, monitor): resuming kept that change. */
    KEPT;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Outcome fromWire(String value) {
      return valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /**
   * One grant: its status before the quarantine, what became of it (with its status then, who
   * and when, once settled), and its status now; {@code changedSince}: written since the
   * quarantine (or since it was resumed), so resuming it keeps its status now.
   */
  public record Hold(String clientId, String name, GrantStatus saved, Outcome outcome, GrantStatus settledStatus,
      String settledBy, Long settledAtMs, GrantStatus now, boolean changedSince) {

    public JsonObject toJson() {
      return new JsonObject()
          .put("clientId", clientId)
          .put("name", name)
          .put("before", saved.wire())
          .put("status", now == null ? null : now.wire())
          .put("outcome", outcome.wire())
          .put("changedDuringQuarantine", outcome == Outcome.PAUSED && changedSince)
          .put("settledStatus", settledStatus == null ? null : settledStatus.wire())
          .put("settledBy", settledBy)
          .put("settledAt", settledAtMs == null ? null : Instant.ofEpochMilli(settledAtMs).toString());
    }
  }

  public boolean active() {
    return resumedAtMs == null;
  }

  /** The grants still waiting to be resumed. */
  public List<Hold> paused() {
    return holds.stream().filter(h -> h.outcome() == Outcome.PAUSED).toList();
  }

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    holds.forEach(h -> list.add(h.toJson()));
    return new JsonObject()
        .put("active", active())
        .put("reason", reason)
        .put("by", startedBy)
        .put("at", Instant.ofEpochMilli(startedAtMs).toString())
        .put("agentKeyRotated", agentKeyRotated)
        .put("resumedBy", resumedBy)
        .put("resumedAt", resumedAtMs == null ? null : Instant.ofEpochMilli(resumedAtMs).toString())
        .put("paused", paused().size())
        .put("integrations", list);
  }
}
