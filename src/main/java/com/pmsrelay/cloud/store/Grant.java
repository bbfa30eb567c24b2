package com.pmsrelay.cloud.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** One practice's grant to one integrator, with the limits that cap its queries. */
public record Grant(
    String practiceId,
    String clientId,
    GrantStatus status,
    JsonArray scopes,
    int maxRows,
    int maxTimeoutMs,
    int maxQueueTimeoutMs,
    int ratePerMinute,
    int weight) {

  /** A new grant's limits until someone sets them (documented in README, "Operating the relay", and admin grant --help). */
  public static final int DEFAULT_MAX_ROWS = 10_000;
  public static final int DEFAULT_MAX_TIMEOUT_MS = 30_000;
  public static final int DEFAULT_MAX_QUEUE_TIMEOUT_MS = 30_000;
  public static final int DEFAULT_RATE_PER_MINUTE = 600;
  public static final int DEFAULT_WEIGHT = 1;

  public static Grant withDefaults(String practiceId, String clientId, GrantStatus status) {
    return new Grant(practiceId, clientId, status, new JsonArray(), DEFAULT_MAX_ROWS, DEFAULT_MAX_TIMEOUT_MS,
        DEFAULT_MAX_QUEUE_TIMEOUT_MS, DEFAULT_RATE_PER_MINUTE, DEFAULT_WEIGHT);
  }

  public JsonObject limitsJson() {
    return new JsonObject()
        .put("maxRows", maxRows)
        .put("maxTimeoutMs", maxTimeoutMs)
        .put("maxQueueTimeoutMs", maxQueueTimeoutMs)
        .put("ratePerMinute", ratePerMinute)
        .put("weight", weight);
  }

  public JsonObject toJson() {
    return new JsonObject().put("status", status.wire()).put("scopes", scopes.copy()).put("limits", limitsJson());
  }
}
