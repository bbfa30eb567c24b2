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

  public static Grant withDefaults(String practiceId, String clientId, GrantStatus status) {
    return new Grant(practiceId, clientId, status, new JsonArray(), 10_000, 30_000, 30_000, 600, 1);
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
