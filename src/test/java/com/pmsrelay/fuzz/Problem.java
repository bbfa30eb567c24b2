package com.pmsrelay.fuzz;

import com.pmsrelay.cloud.http.Problems;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/** Checks an error answer against API.md's "Errors": a problem document whose status and code agree. */
final class Problem {
  private Problem() {}

  /** What is wrong with the error answer, if anything. */
  static Optional<String> check(int status, String contentType, Buffer body) {
    if (contentType == null || !contentType.startsWith("application/problem+json")) {
      return Optional.of("status " + status + " with Content-Type " + contentType + ": " + shown(body));
    }
    JsonObject problem;
    try {
      problem = body.toJsonObject();
    } catch (RuntimeException e) {
      return Optional.of("status " + status + " with a problem that is not JSON: " + shown(body));
    }
    String code = problem.getValue("code") instanceof String c ? c : null;
    if (code == null || !Integer.valueOf(status).equals(problem.getValue("status"))
        || !(Problems.TYPE_BASE + code).equals(problem.getValue("type")) || !(problem.getValue("title") instanceof String)) {
      return Optional.of("status " + status + " with a malformed problem: " + shown(body));
    }
    String text = body.toString();
    if (text.contains("Exception") || text.contains("\tat ") || text.contains("jdbc:")) {
      return Optional.of("a problem that shows internals: " + shown(body));
    }
    return Optional.empty();
  }

  private static String shown(Buffer body) {
    String text = body == null ? "" : body.toString();
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }
}
