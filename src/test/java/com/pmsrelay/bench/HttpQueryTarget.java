package com.pmsrelay.bench;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Locale;
import java.util.function.IntFunction;

/** An integrator calling {@code POST /v1/practices/{id}/queries} with its bearer token. */
record HttpQueryTarget(WebClient client, String path, String token, IntFunction<JsonObject> body, long clientTimeoutMs)
    implements QueryTarget {

  @Override
  public Future<Answer> send(int i) {
    return client.post(path)
        .putHeader("Authorization", "Bearer " + token)
        .timeout(clientTimeoutMs)
        .sendJsonObject(body.apply(i))
        .transform(done -> Future.succeededFuture(done.succeeded() ? answer(done.result()) : failure(done.cause())));
  }

  private static Answer answer(HttpResponse<Buffer> response) {
    if (response.statusCode() == 200) {
      JsonObject timing = response.bodyAsJsonObject().getJsonObject("timing", new JsonObject());
      return new Answer(Answer.OK, timing.getLong("queuedMs", -1L), timing.getLong("executionMs", -1L),
          timing.getLong("totalMs", -1L));
    }
    JsonObject problem;
    try {
      problem = response.bodyAsJsonObject();
    } catch (RuntimeException e) {
      problem = null;
    }
    return problem == null ? Answer.of(response.statusCode() + " ?")
        : Answer.refused(response.statusCode(), problem.getString("code", "?"), problem.getString("detail"));
  }

  private static Answer failure(Throwable cause) {
    String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
    return Answer.of(message.contains("timeout") || message.contains("timed out") ? Answer.CLIENT_TIMEOUT
        : "client_error " + cause.getClass().getSimpleName());
  }
}
