package com.pmsrelay.faults;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.List;

/** What an integrator got for one {@link Query}, judged as an integrator's client must judge it. */
record Answer(Query query, Kind kind, int status, String code, String retryAfter, long atNanos, String detail) {

  enum Kind {
    /** 200 carrying every row, each of this query, and the end as expected. */
    COMPLETE,
    /** An error status with its problem document. */
    PROBLEM,
    /** 200 visibly unfinished (an NDJSON stream without its end line): the client takes it as failed. */
    INCOMPLETE,
    /** Passes for a whole answer but is not (rows missing, wrong {@code truncated}): must never happen. */
    FALSE_SUCCESS,
    /** The connection failed before a whole response (reset, closed). */
    NO_ANSWER,
    /** Nothing within the client's time-out. */
    HUNG
  }

  boolean is(int status, String code) {
    return kind == Kind.PROBLEM && this.status == status && code.equals(this.code);
  }

  static Answer of(Query query, HttpResponse<String> response, long atNanos) {
    String body = response.body();
    if (response.statusCode() != 200) {
      String code = null;
      try {
        code = new JsonObject(body).getString("code");
      } catch (DecodeException | ClassCastException e) {
        // no problem document: the code stays unknown
      }
      return new Answer(query, Kind.PROBLEM, response.statusCode(), code,
          response.headers().firstValue("Retry-After").orElse(null), atNanos, body);
    }
    try {
      Kind kind = query.ndjson() ? judgeStream(query, body) : judgeDocument(query, new JsonObject(body));
      return new Answer(query, kind, 200, null, null, atNanos, kind == Kind.COMPLETE ? null : tail(body));
    } catch (DecodeException | ClassCastException | NullPointerException e) {
      return new Answer(query, query.ndjson() ? Kind.INCOMPLETE : Kind.FALSE_SUCCESS, 200, null, null, atNanos,
          "unreadable answer: " + tail(body));
    }
  }

  static Answer failed(Query query, Throwable failure, long atNanos) {
    Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    return new Answer(query, cause instanceof HttpTimeoutException ? Kind.HUNG : Kind.NO_ANSWER, 0, null, null, atNanos,
        cause.toString());
  }

  private static Kind judgeDocument(Query query, JsonObject answer) {
    JsonArray rows = answer.getJsonArray("rows");
    boolean whole = "succeeded".equals(answer.getString("status")) && answer.getLong("rowCount") == rows.size()
        && rightRows(query, rows.getList()) && answer.getBoolean("truncated") == query.truncated();
    return whole ? Kind.COMPLETE : Kind.FALSE_SUCCESS;
  }

  /** Columns line, one line per row, then the end line; anything else before the end is no success. */
  private static Kind judgeStream(Query query, String body) {
    List<String> lines = body.lines().toList();
    if (lines.size() < 2 || !new JsonObject(lines.get(0)).containsKey("columns")) {
      return Kind.INCOMPLETE;
    }
    String lastLine = lines.get(lines.size() - 1);
    if (!lastLine.startsWith("{")) {
      return Kind.INCOMPLETE;
    }
    JsonObject last = new JsonObject(lastLine);
    if (!Boolean.TRUE.equals(last.getBoolean("end"))) {
      return Kind.INCOMPLETE; // an error line, or the stream stopped mid-way
    }
    List<Object> rows = lines.subList(1, lines.size() - 1).stream().map(line -> (Object) new JsonArray(line)).toList();
    boolean whole = last.getLong("rowCount") == rows.size() && rightRows(query, rows)
        && last.getBoolean("truncated") == query.truncated();
    return whole ? Kind.COMPLETE : Kind.FALSE_SUCCESS;
  }

  /** As many rows as the query must return, each ending with its tag. */
  private static boolean rightRows(Query query, List<?> rows) {
    return rows.size() == query.rows() && rows.stream().allMatch(row -> {
      List<?> values = row instanceof JsonArray a ? a.getList() : (List<?>) row;
      return query.tag().equals(values.get(values.size() - 1));
    });
  }

  private static String tail(String body) {
    return body.length() <= 300 ? body : "…" + body.substring(body.length() - 300);
  }
}
