package com.pmsrelay.common.protocol;

import com.pmsrelay.common.error.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The agent's answer to one query is a sequence of messages on the query's stream address:
 * {@code columns}, then zero or more {@code rows} chunks, then exactly one {@code end} (row count,
 * truncated, timings) or {@code error} (problem code and detail). Each carries {@code seq}, counted
 * from 0, so a receiver can tell a gap from the end.
 */
public final class StreamMessages {
  public static final String KIND = "kind";
  public static final String COLUMNS = "columns";
  public static final String ROWS = "rows";
  public static final String END = "end";
  public static final String ERROR = "error";

  private StreamMessages() {}

  public static JsonObject columns(long seq, JsonArray columns) {
    return new JsonObject().put(KIND, COLUMNS).put("seq", seq).put("columns", columns);
  }

  /** A chunk of rows; {@code bytes} is the agent's estimate of their JSON size, for the cloud's cap. */
  public static JsonObject rows(long seq, JsonArray rows, long bytes) {
    return new JsonObject().put(KIND, ROWS).put("seq", seq).put("rows", rows).put("bytes", bytes);
  }

  public static JsonObject end(long seq, long rowCount, boolean truncated, long queuedMs, long executionMs) {
    return new JsonObject().put(KIND, END).put("seq", seq).put("rowCount", rowCount)
        .put("truncated", truncated).put("queuedMs", queuedMs).put("executionMs", executionMs);
  }

  public static JsonObject error(long seq, ErrorCode code, String detail) {
    return new JsonObject().put(KIND, ERROR).put("seq", seq).put("code", code.code()).put("detail", detail);
  }
}
