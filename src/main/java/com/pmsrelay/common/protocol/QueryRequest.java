package com.pmsrelay.common.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One query as the cloud dispatches it to an agent, limits already capped by the grant and the
 * cloud, with the grant's weight (share of the practice's capacity) and scopes (tables and views
 * it may read; empty: all), and the result messages with rows the cloud can take before it grants
 * more ({@code credit}). The agent applies its own caps again: it trusts nothing it did not decide
 * itself.
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
    long maxBytes,
    int weight,
    JsonArray scopes,
    int credit,
    String requireBoot) {

  public static final String OP_QUERY = "query";
  public static final String OP_CANCEL = "cancel";
  /** More credit for a query's result stream: {@code n} more messages with rows. */
  public static final String OP_CREDIT = "credit";
  /**
   * Within the cloud only, to the node holding the agent's socket: a query sent at {@code sinceMs}
   * went unacknowledged; if the agent has been silent since, it is unresponsive.
   */
  public static final String OP_UNACKNOWLEDGED = "unacknowledged";
  /**
   * Within the cloud only, published to every node: the practice's agent connected anew under
   * {@code session}; any other session of the practice (on whichever node) closes.
   */
  public static final String OP_TAKEOVER = "takeover";
  /**
   * Within the cloud only, asked of whichever node holds the practice's socket: when the agent was
   * last heard, whether it acknowledges queries, its last reported load. No answer: no live node has it.
   */
  public static final String OP_STATUS = "status";
  /** Refuse every queued query of one integrator (its grant changed); carries the problem code. */
  public static final String OP_CANCEL_CLIENT = "cancel-client";
  /**
   * Within the cloud only, beside a query on its way to the node holding the agent's socket: the
   * dispatching node's inbox for its result messages (never sent on to the agent).
   */
  public static final String INBOX = "inbox";
  /** Credit a stream starts with, unless the request says otherwise. */
  public static final int DEFAULT_CREDIT = 4;

  /** A query for whichever run of the agent is connected. */
  public QueryRequest(String queryId, String practiceId, String clientId, String sql, JsonArray params, String catalogue,
      long timeoutMs, long queueTimeoutMs, int maxRows, long maxBytes, int weight, JsonArray scopes, int credit) {
    this(queryId, practiceId, clientId, sql, params, catalogue, timeoutMs, queueTimeoutMs, maxRows, maxBytes, weight, scopes,
        credit, null);
  }

  /**
   * The same query, to run only if the agent is still the run ({@code bootId}) that took it first:
   * sent again after a lost connection, it must not run on an agent that restarted meanwhile and
   * so forgot which queries it ran.
   */
  public QueryRequest resentTo(String bootId) {
    return new QueryRequest(queryId, practiceId, clientId, sql, params, catalogue, timeoutMs, queueTimeoutMs, maxRows,
        maxBytes, weight, scopes, credit, bootId);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
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
        .put("maxBytes", maxBytes)
        .put("weight", weight)
        .put("scopes", scopes)
        .put("credit", credit);
    return requireBoot == null ? json : json.put("requireBoot", requireBoot);
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
        json.getLong("maxBytes", Long.MAX_VALUE),
        json.getInteger("weight", 1),
        json.getJsonArray("scopes", new JsonArray()),
        Math.max(1, json.getInteger("credit", DEFAULT_CREDIT)),
        json.getString("requireBoot"));
  }

  /** The same query with other limits (the agent's caps applied). */
  public QueryRequest withLimits(long newTimeoutMs, long newQueueTimeoutMs, int newMaxRows, long newMaxBytes) {
    return new QueryRequest(queryId, practiceId, clientId, sql, params, catalogue, newTimeoutMs, newQueueTimeoutMs,
        newMaxRows, newMaxBytes, weight, scopes, credit, requireBoot);
  }

  public static JsonObject cancelClient(String clientId, String code) {
    return new JsonObject().put("op", OP_CANCEL_CLIENT).put("clientId", clientId).put("code", code);
  }

  public static JsonObject cancel(String queryId) {
    return new JsonObject().put("op", OP_CANCEL).put("queryId", queryId);
  }

  public static JsonObject unacknowledged(String queryId, long sinceMs) {
    return new JsonObject().put("op", OP_UNACKNOWLEDGED).put("queryId", queryId).put("sinceMs", sinceMs);
  }

  public static JsonObject status() {
    return new JsonObject().put("op", OP_STATUS);
  }

  public static JsonObject takeover(String session) {
    return new JsonObject().put("op", OP_TAKEOVER).put("session", session);
  }

  /** A takeover that also says which run of the agent ({@code bootId}) took over, and from where. */
  public static JsonObject takeover(String session, String bootId, String address) {
    return takeover(session).put("bootId", bootId).put("address", address);
  }

  public static JsonObject credit(String queryId, int messages) {
    return new JsonObject().put("op", OP_CREDIT).put("queryId", queryId).put("n", messages);
  }
}
