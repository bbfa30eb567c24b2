package com.pmsrelay.cloud.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One audit entry: a query attempt (allowed or refused) or an admin action. Never holds parameter
 * values or result data; the SQL text is kept (it is what the integrator asked for) with its hash.
 */
public record AuditRecord(
    String chain,
    long seq,
    long atMs,
    String kind,
    String actor,
    String action,
    String outcome,
    String queryId,
    String sqlHash,
    String sqlText,
    Integer paramsCount,
    Long rowCount,
    Long bytes,
    Long queueMs,
    Long execMs,
    String detail) {

  /** The chain of attempts that reached no practice. */
  public static final String NO_PRACTICE = "-";
  public static final String KIND_QUERY = "query";
  public static final String KIND_ADMIN = "admin";
  /** A schema discovery request: like a query attempt, its rows the tables and views listed. */
  public static final String KIND_SCHEMA = "schema";
  /**
   * A scheduled run of a registered query at the agent: like a query attempt (its SQL, rows, times),
   * {@code queryId} the run's id, the registration's id in {@code detail}.
   */
  public static final String KIND_REGISTERED = "registered";

  public static AuditRecord query(String chain, String clientId, String outcome, String queryId, String sqlHash,
      String sqlText, Integer paramsCount, Long rows, Long bytes, Long queueMs, Long execMs) {
    return new AuditRecord(chain, 0, System.currentTimeMillis(), KIND_QUERY, clientId, "query", outcome, queryId,
        sqlHash, sqlText, paramsCount, rows, bytes, queueMs, execMs, null);
  }

  /** The most SQL text one record keeps (its hash covers the whole text). */
  public static final int MAX_SQL_CHARS = 16_000;

  /** A query attempt: the SQL (hashed, and kept up to {@value #MAX_SQL_CHARS} characters) and what came of it. */
  public static AuditRecord attempt(String chain, String clientId, String outcome, String queryId, String sql,
      Integer paramsCount, Long rows, Long bytes, Long queueMs, Long execMs) {
    return query(chain, clientId, outcome, queryId, sql == null ? null : com.pmsrelay.common.crypto.Secrets.sha256Hex(sql),
        sql == null ? null : sql.substring(0, Math.min(sql.length(), MAX_SQL_CHARS)), paramsCount, rows, bytes, queueMs,
        execMs);
  }

  /** A registered query's run at the agent ({@link #KIND_REGISTERED}). */
  public static AuditRecord registered(String chain, String clientId, String outcome, String runId, String registrationId,
      String sql, Integer paramsCount, Long rows, Long bytes, Long queueMs, Long execMs) {
    return new AuditRecord(chain, 0, System.currentTimeMillis(), KIND_REGISTERED, clientId, "registered", outcome, runId,
        com.pmsrelay.common.crypto.Secrets.sha256Hex(sql), sql.substring(0, Math.min(sql.length(), MAX_SQL_CHARS)),
        paramsCount, rows, bytes, queueMs, execMs, new JsonObject().put("registrationId", registrationId).encode());
  }

  /**
   * A schema discovery request and what came of it: the tables and views listed ({@code tables}),
   * the catalogue asked for (null: the agent's default) and whether the node's cache answered.
   */
  public static AuditRecord schema(String chain, String clientId, String outcome, String requestId, String catalogue,
      Long tables, Boolean cached) {
    JsonObject detail = new JsonObject().put("catalogue", catalogue);
    if (cached != null) {
      detail.put("cached", cached);
    }
    return new AuditRecord(chain, 0, System.currentTimeMillis(), KIND_SCHEMA, clientId, "schema", outcome, requestId,
        null, null, null, tables, null, null, null, detail.encode());
  }

  /** An admin action by {@code actor} (a console user or the operator), with before/after. */
  public static AuditRecord admin(String chain, String actor, String action, JsonObject before, JsonObject after) {
    String detail = new JsonObject().put("before", before).put("after", after).encode();
    return new AuditRecord(chain, 0, System.currentTimeMillis(), KIND_ADMIN, actor, action, "done", null, null, null,
        null, null, null, null, null, detail);
  }

  AuditRecord withSeq(long newSeq) {
    return new AuditRecord(chain, newSeq, atMs, kind, actor, action, outcome, queryId, sqlHash, sqlText, paramsCount,
        rowCount, bytes, queueMs, execMs, detail);
  }

  /** The fields the hash covers, in a fixed order and encoding. */
  public String canonical() {
    return new JsonArray().add(chain).add(seq).add(atMs).add(kind).add(actor).add(action).add(outcome).add(queryId)
        .add(sqlHash).add(sqlText).add(paramsCount).add(rowCount).add(bytes).add(queueMs).add(execMs).add(detail)
        .encode();
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("seq", seq)
        .put("at", java.time.Instant.ofEpochMilli(atMs).toString())
        .put("kind", kind)
        .put("actor", actor)
        .put("action", action)
        .put("outcome", outcome);
    if (KIND_QUERY.equals(kind) || KIND_REGISTERED.equals(kind)) {
      if (KIND_REGISTERED.equals(kind) && detail != null) {
        json.put("registrationId", new JsonObject(detail).getString("registrationId"));
      }
      json.put("queryId", queryId).put("sqlHash", sqlHash).put("sql", sqlText).put("paramsCount", paramsCount)
          .put("rows", rowCount).put("bytes", bytes).put("queueMs", queueMs).put("executionMs", execMs);
    } else if (KIND_SCHEMA.equals(kind)) {
      json.put("queryId", queryId).put("rows", rowCount).put("detail", detail == null ? null : new JsonObject(detail));
    } else if (detail != null) {
      json.put("detail", new JsonObject(detail));
    }
    return json;
  }
}
