package com.pmsrelay.common.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Schema discovery, from the cloud to an agent: the tables and views of one catalogue, with their
 * columns and primary keys, read from the database's own catalogue. Sent like a query (op
 * {@value #OP_SCHEMA} to the practice's address, the stream address as the reply address) and
 * answered like one: a result stream of {@link ResultMessage}s under the same framing and credit
 * rules, whose columns are {@link SchemaRow#COLUMNS} and whose rows are {@link SchemaRow}s, one per
 * column of every table. The agent runs it like a query (admission, concurrency cap, time-out with
 * cancel, byte cap), for the integrator that asked; it lists every table and view the guard lets a
 * statement read, and the cloud narrows that to each grant's scopes.
 *
 * <p>An agent says it answers these with {@value #FEATURE} among the {@code features} of its
 * credentials. An older agent ignores operations it does not know, which the cloud would take for
 * a frozen agent, so the cloud sends this only to an agent that said so.
 */
public record SchemaRequest(
    String queryId,
    String practiceId,
    String clientId,
    String catalogue,
    long timeoutMs,
    long queueTimeoutMs,
    long maxBytes,
    int weight,
    int credit) {

  public static final String OP_SCHEMA = "schema";
  /** What an agent lists in its credentials' {@code features} when it answers {@value #OP_SCHEMA}. */
  public static final String FEATURE = "schema";
  /**
   * Within the cloud: the failure code with which the node holding the agent's socket refuses a
   * schema request for an agent that did not list {@value #FEATURE} (an older agent).
   */
  public static final int NOT_SUPPORTED = 501;
  /** The most columns (rows of the answer) one schema may have; more is cut (the end says truncated). */
  public static final int MAX_COLUMNS = 1_000_000;

  public JsonObject toJson() {
    return new JsonObject()
        .put("op", OP_SCHEMA)
        .put("queryId", queryId)
        .put("practiceId", practiceId)
        .put("clientId", clientId)
        .put("catalogue", catalogue)
        .put("timeoutMs", timeoutMs)
        .put("queueTimeoutMs", queueTimeoutMs)
        .put("maxBytes", maxBytes)
        .put("weight", weight)
        .put("credit", credit);
  }

  public static SchemaRequest fromJson(JsonObject json) {
    return new SchemaRequest(
        json.getValue("queryId") instanceof String q ? q : null,
        json.getValue("practiceId") instanceof String p ? p : null,
        json.getValue("clientId") instanceof String c ? c : "",
        json.getValue("catalogue") instanceof String c ? c : null,
        json.getValue("timeoutMs") instanceof Number n ? n.longValue() : 30_000L,
        json.getValue("queueTimeoutMs") instanceof Number n ? n.longValue() : 30_000L,
        json.getValue("maxBytes") instanceof Number n ? n.longValue() : Long.MAX_VALUE,
        json.getValue("weight") instanceof Integer w ? w : 1,
        json.getValue("credit") instanceof Integer c ? Math.max(1, c) : QueryRequest.DEFAULT_CREDIT);
  }

  /**
   * The same request in a query's shape, for what the two share on both sides (limits, admission
   * and sharing at the agent, the result stream at the cloud): no parameters, no scopes, at most
   * {@value #MAX_COLUMNS} rows; {@code sql} is what the agent runs (the cloud leaves it null).
   */
  public QueryRequest asQuery(String sql) {
    return new QueryRequest(queryId, practiceId, clientId, sql, new JsonArray(), catalogue, timeoutMs, queueTimeoutMs,
        MAX_COLUMNS, maxBytes, weight, new JsonArray(), credit);
  }
}
