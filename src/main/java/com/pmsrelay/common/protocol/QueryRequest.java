package com.pmsrelay.common.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One query as the cloud dispatches it to an agent, limits already capped by the grant and the
 * cloud, with the grant's weight (share of the practice's capacity) and scopes (tables and views
 * it may read; empty: all). The agent applies its own caps again: it trusts nothing it did not
 * decide itself.
 */
public record QueryRequest(
    String queryId,
    String practiceId,
    String clientId,
    String sql,
    JsonArray params,
    String catalogue,
    long timeoutMs,
    long queueTimeoutMs,
    int maxRows,
    int weight,
    JsonArray scopes) {

  public static final String OP_QUERY = "query";
  public static final String OP_CANCEL = "cancel";
  /** Refuse every queued query of one integrator (its grant changed); carries the problem code. */
  public static final String OP_CANCEL_CLIENT = "cancel-client";

  public JsonObject toJson() {
    return new JsonObject()
        .put("op", OP_QUERY)
        .put("queryId", queryId)
        .put("practiceId", practiceId)
        .put("clientId", clientId)
        .put("sql", sql)
        .put("params", params)
        .put("catalogue", catalogue)
        .put("timeoutMs", timeoutMs)
        .put("queueTimeoutMs", queueTimeoutMs)
        .put("maxRows", maxRows)
        .put("weight", weight)
        .put("scopes", scopes);
  }

  public static QueryRequest fromJson(JsonObject json) {
    return new QueryRequest(
        json.getString("queryId"),
        json.getString("practiceId"),
        json.getString("clientId"),
        json.getString("sql"),
        json.getJsonArray("params", new JsonArray()),
        json.getString("catalogue"),
        json.getLong("timeoutMs", 30_000L),
        json.getLong("queueTimeoutMs", 30_000L),
        json.getInteger("maxRows", 10_000),
        json.getInteger("weight", 1),
        json.getJsonArray("scopes", new JsonArray()));
  }

  public static JsonObject cancelClient(String clientId, String code) {
    return new JsonObject().put("op", OP_CANCEL_CLIENT).put("clientId", clientId).put("code", code);
  }

  public static JsonObject cancel(String queryId) {
    return new JsonObject().put("op", OP_CANCEL).put("queryId", queryId);
  }
}
