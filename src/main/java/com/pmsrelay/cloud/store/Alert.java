package com.pmsrelay.cloud.store;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One alert of the suspicious-activity monitor: which rule fired, for which practice and
 * integrator (null: the practice's own, e.g. its agent key), when, on which node, and the figures
 * that tripped it (counts, thresholds, table names; never patient data, parameter values or SQL).
 */
public record Alert(
    String alertId,
    String practiceId,
    String clientId,
    String rule,
    long atMs,
    String nodeId,
    JsonObject figures,
    boolean paused,
    String acknowledgedBy,
    Long acknowledgedAtMs) {

  public boolean acknowledged() {
    return acknowledgedAtMs != null;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("alertId", alertId)
        .put("practiceId", practiceId)
        .put("clientId", clientId)
        .put("rule", rule)
        .put("at", Instant.ofEpochMilli(atMs).toString())
        .put("figures", figures.copy())
        .put("paused", paused)
        .put("acknowledgedBy", acknowledgedBy)
        .put("acknowledgedAt", acknowledgedAtMs == null ? null : Instant.ofEpochMilli(acknowledgedAtMs).toString());
  }
}
