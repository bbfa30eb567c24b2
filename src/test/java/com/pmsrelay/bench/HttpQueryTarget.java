package com.pmsrelay.bench;

import com.pmsrelay.cloud.store.IntegratorStore;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Locale;
import java.util.function.IntFunction;

/** An integrator calling {@code POST /v1/practices/{id}/queries} with its bearer token. */
record HttpQueryTarget(WebClient client, String path, String token, IntFunction<JsonObject> body, long clientTimeoutMs)
    implements QueryTarget {

  /** A client of the relay's HTTP API on loopback, with room for many requests in flight. */
  static WebClient client(Vertx vertx, int port) {
    return WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port),
        new PoolOptions().setHttp1MaxSize(256));
  }

  /** An access token for {@code integrator} (client credentials grant). */
  static String token(WebClient client, IntegratorStore.Created integrator) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")
        .add("client_id", integrator.clientId()).add("client_secret", integrator.clientSecret());
    var response = client.post("/v1/token").sendForm(form).await();
    if (response.statusCode() != 200) {
      throw new IllegalStateException("token request failed: " + response.statusCode() + " " + response.bodyAsString());
    }
    return response.bodyAsJsonObject().getString("access_token");
  }

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
