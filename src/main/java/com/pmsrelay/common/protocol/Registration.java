package com.pmsrelay.common.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One registered query as the cloud gives it to the practice's agent: the statement and its
 * parameters, the integrator and its grant's scopes, weight and caps (as of the cloud's last
 * sync), its period and expiry, and {@code lastHash}, the hash of the last result the cloud
 * stored (null: none yet). The agent runs it every {@code everySeconds} at a fixed phase
 * ({@link #phaseMs}), sends its rows only when their hash differs from {@code lastHash}, and stops
 * at {@code expiresAtMs}.
 *
 * <p>Operations, cloud to agent, on the practice's address: {@value #OP_REGISTRATIONS} (the full
 * set of the practice's runnable registrations: sent at every connection and whenever one is
 * added, removed, paused or resumed; what is not in it stops at once), {@value #OP_FETCH} (a
 * result stream for the pending changed result of one registration, answered like a query) and
 * {@value #OP_STORED} (the cloud stored the result of that hash). Agent to cloud: a {@code send}
 * to {@link Addresses#REGISTERED_RUNS} per run ({@link #runNote}). An agent lists
 * {@value #FEATURE} among its features when it runs them; the cloud sends them to no other.
 */
public record Registration(
    String registrationId,
    String practiceId,
    String clientId,
    String sql,
    JsonArray params,
    String catalogue,
    int everySeconds,
    long expiresAtMs,
    String lastHash,
    long timeoutMs,
    int maxRows,
    long maxBytes,
    int weight,
    JsonArray scopes) {

  public static final String FEATURE = "registered";
  public static final String OP_REGISTRATIONS = "registrations";
  public static final String OP_FETCH = "registered-fetch";
  public static final String OP_STORED = "registered-stored";

  /**
   * What makes two registrations the same run: the statement, its values, catalogue, scopes, caps
   * and period. Registrations with one key (several integrators asking the same question) get the
   * same answer, so the agent runs their query once a period for all of them.
   */
  public String runKey() {
    return new JsonArray().add(sql).add(params).add(catalogue).add(scopes).add(timeoutMs).add(maxRows).add(maxBytes)
        .add(everySeconds).encode();
  }

  /**
   * The registration's fixed offset within its period: the same on every run of the agent (from
   * its {@link #runKey} alone), so a restarted agent keeps the rhythm; spread over the period, so
   * different queries do not fire together; and one for registrations of the same query, so they
   * fire together and share one run.
   */
  public long phaseMs() {
    long periodMs = everySeconds * 1000L;
    return Math.floorMod(stableHash(runKey()), periodMs);
  }

  /** The first run time strictly after {@code nowMs}: {@code phase + k * period}. */
  public long nextRunAfter(long nowMs) {
    long periodMs = everySeconds * 1000L;
    long phase = phaseMs();
    long k = Math.floorDiv(nowMs - phase, periodMs) + 1;
    return phase + k * periodMs;
  }

  private static long stableHash(String id) {
    // FNV-1a 64: String.hashCode is stable too, but 32 bits spread poorly over a day's milliseconds.
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < id.length(); i++) {
      h ^= id.charAt(i);
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** The registration as an ordinary query of id {@code queryId}, for the agent's executor. */
  public QueryRequest asQuery(String queryId, long queueTimeoutMs) {
    return new QueryRequest(queryId, practiceId, clientId, sql, params, catalogue, timeoutMs, queueTimeoutMs, maxRows,
        maxBytes, weight, scopes, Integer.MAX_VALUE);
  }

  /** The same registration with its byte cap no higher than {@code maxBytesCap} (the agent's own). */
  public Registration withSettledCaps(long maxBytesCap) {
    return new Registration(registrationId, practiceId, clientId, sql, params, catalogue, everySeconds, expiresAtMs,
        lastHash, timeoutMs, maxRows, Math.min(maxBytes, maxBytesCap), weight, scopes);
  }

  public Registration withLastHash(String hash) {
    return new Registration(registrationId, practiceId, clientId, sql, params, catalogue, everySeconds, expiresAtMs, hash,
        timeoutMs, maxRows, maxBytes, weight, scopes);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("registrationId", registrationId)
        .put("practiceId", practiceId)
        .put("clientId", clientId)
        .put("sql", sql)
        .put("params", params)
        .put("catalogue", catalogue)
        .put("everySeconds", everySeconds)
        .put("expiresAtMs", expiresAtMs)
        .put("lastHash", lastHash)
        .put("timeoutMs", timeoutMs)
        .put("maxRows", maxRows)
        .put("maxBytes", maxBytes)
        .put("weight", weight)
        .put("scopes", scopes);
  }

  /** Reads one registration; null if it is malformed (the agent skips it rather than guess). */
  public static Registration fromJson(JsonObject json) {
    if (!(json.getValue("registrationId") instanceof String id) || !id.matches("[0-9a-f-]{36}")
        || !(json.getValue("sql") instanceof String sql) || !(json.getValue("clientId") instanceof String clientId)
        || !(json.getValue("everySeconds") instanceof Integer every) || every < 1
        || !(json.getValue("expiresAtMs") instanceof Number expires)) {
      return null;
    }
    return new Registration(id, json.getValue("practiceId") instanceof String p ? p : null, clientId, sql,
        json.getValue("params") instanceof JsonArray a ? a : new JsonArray(),
        json.getValue("catalogue") instanceof String c ? c : null, every, expires.longValue(),
        json.getValue("lastHash") instanceof String h ? h : null,
        json.getValue("timeoutMs") instanceof Number t ? t.longValue() : 30_000L,
        json.getValue("maxRows") instanceof Integer r ? r : 10_000,
        json.getValue("maxBytes") instanceof Number b ? b.longValue() : 8L << 20,
        json.getValue("weight") instanceof Integer w ? Math.max(1, w) : 1,
        json.getValue("scopes") instanceof JsonArray s ? s : new JsonArray());
  }

  /** The full set for one practice. */
  public static JsonObject set(java.util.List<Registration> registrations) {
    JsonArray list = new JsonArray();
    registrations.forEach(r -> list.add(r.toJson()));
    return new JsonObject().put("op", OP_REGISTRATIONS).put("registrations", list);
  }

  /** Asks the agent for the pending changed result of {@code hash}, as the result stream of {@code resultId}. */
  public static JsonObject fetch(String resultId, String practiceId, String clientId, String registrationId, String hash,
      int credit) {
    return new JsonObject().put("op", OP_FETCH).put("queryId", resultId).put("practiceId", practiceId)
        .put("clientId", clientId).put("registrationId", registrationId).put("hash", hash).put("credit", credit);
  }

  public static JsonObject stored(String registrationId, String hash) {
    return new JsonObject().put("op", OP_STORED).put("registrationId", registrationId).put("hash", hash);
  }

  /**
   * What the agent tells the cloud after a run: {@code outcome} {@code succeeded} (with the
   * result's {@code hash} and whether it differs from the last stored, {@code changed}) or an
   * error code; rows and times as an audit record counts them.
   */
  public record RunNote(String registrationId, String queryId, String outcome, String hash, boolean changed,
      long ranAtMs, long rowCount, long bytes, long queuedMs, long executionMs) {

    public JsonObject toJson() {
      return new JsonObject().put("registrationId", registrationId).put("queryId", queryId).put("outcome", outcome)
          .put("hash", hash).put("changed", changed).put("ranAtMs", ranAtMs).put("rowCount", rowCount)
          .put("bytes", bytes).put("queuedMs", queuedMs).put("executionMs", executionMs);
    }

    /** Null if malformed (the cloud drops it). */
    public static RunNote fromJson(JsonObject json) {
      if (json == null || !(json.getValue("registrationId") instanceof String id) || !id.matches("[0-9a-f-]{36}")
          || !(json.getValue("queryId") instanceof String q) || !q.matches("[0-9a-f-]{36}")
          || !(json.getValue("outcome") instanceof String outcome) || outcome.length() > 64) {
        return null;
      }
      String hash = json.getValue("hash") instanceof String h && h.matches("[0-9a-f]{64}") ? h : null;
      return new RunNote(id, q, outcome, hash, Boolean.TRUE.equals(json.getValue("changed")) && hash != null,
          number(json, "ranAtMs"), number(json, "rowCount"), number(json, "bytes"), number(json, "queuedMs"),
          number(json, "executionMs"));
    }

    private static long number(JsonObject json, String key) {
      return json.getValue(key) instanceof Number n ? Math.max(0, n.longValue()) : 0;
    }
  }

  public static JsonObject runNote(RunNote note) {
    return note.toJson();
  }
}
