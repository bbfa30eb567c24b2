package com.pmsrelay.faults;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The integrators' side of the fault tests: tokens, queries and status over plain HTTP, at any
 * cloud node's API port, as an integrator's own client would send them (java.net.http, no Vert.x).
 */
final class IntegratorClient {
  /** Longer than any answer a healthy relay takes here: past it an answer counts as {@code HUNG}. */
  static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(25);

  /** An integrator's credentials, as the operator's command printed them. */
  record Integrator(String name, String clientId, String secret) {}

  private final Map<String, String> tokens = new ConcurrentHashMap<>();
  /** Bytes of each query's answer received so far, by the query's tag. */
  private final Map<String, AtomicLong> received = new ConcurrentHashMap<>();
  private volatile HttpClient http = newHttpClient();

  /** A new connection pool: none of a dead cloud's kept-alive connections is reused. */
  void forgetConnections() {
    http = newHttpClient();
  }

  /** Bytes of {@code query}'s answer received so far: how far its stream has reached the integrator. */
  long bytesReceived(Query query) {
    AtomicLong bytes = received.get(query.tag());
    return bytes == null ? 0 : bytes.get();
  }

  /** Sends one query at the node listening on {@code port}; the future always completes, with whatever came back. */
  CompletableFuture<Answer> send(int port, String practiceId, Integrator who, Query query)
      throws IOException, InterruptedException {
    AtomicLong bytes = received.computeIfAbsent(query.tag(), tag -> new AtomicLong());
    HttpRequest request = HttpRequest.newBuilder(api(port, "/v1/practices/" + practiceId + "/queries"))
        .timeout(ANSWER_TIMEOUT)
        .header("Authorization", "Bearer " + token(port, who))
        .header("Content-Type", "application/json")
        .header("Accept", query.ndjson() ? "application/x-ndjson" : "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(query.body().encode())).build();
    return http.sendAsync(request, info -> new CountingBody(HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8), bytes))
        .handle((response, failure) -> failure == null ? Answer.of(query, response, System.nanoTime())
            : Answer.failed(query, failure, System.nanoTime()));
  }

  /** Any call as {@code who} ({@code body} null: none), answered as text. */
  HttpResponse<String> call(int port, String method, String path, Integrator who, JsonObject body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(api(port, path)).timeout(ANSWER_TIMEOUT)
        .header("Authorization", "Bearer " + token(port, who));
    if (body != null) {
      com.pmsrelay.logs.TestSecrets.recordParams(body);
      request.header("Content-Type", "application/json");
    }
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body.encode()));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The practice's agent as {@code who} sees it in {@code GET /v1/practices}: online, offline or unreachable. */
  String agentStatus(int port, String practiceId, Integrator who) throws IOException, InterruptedException {
    HttpResponse<String> r = call(port, "GET", "/v1/practices", who, null);
    for (Object p : new JsonObject(r.body()).getJsonArray("practices")) {
      JsonObject practice = (JsonObject) p;
      if (practiceId.equals(practice.getString("practiceId"))) {
        return practice.getJsonObject("agent").getString("status");
      }
    }
    throw new IllegalStateException("practice " + practiceId + " not listed: " + r.body());
  }

  /** {@code GET /ready}: its status and body. */
  HttpResponse<String> ready(int port) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(api(port, "/ready")).timeout(ANSWER_TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A token per integrator, asked for once: the signing keys live in the store, shared by nodes and restarts. */
  private String token(int port, Integrator who) throws IOException, InterruptedException {
    String token = tokens.get(who.clientId());
    if (token != null) {
      return token;
    }
    String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(who.clientId(), StandardCharsets.UTF_8)
        + "&client_secret=" + URLEncoder.encode(who.secret(), StandardCharsets.UTF_8);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(api(port, "/v1/token")).timeout(ANSWER_TIMEOUT)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("token for " + who.name() + ": " + r.statusCode() + " " + r.body());
    }
    token = new JsonObject(r.body()).getString("access_token");
    tokens.put(who.clientId(), token);
    return token;
  }

  private static URI api(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static HttpClient newHttpClient() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
  }

  /** Reads a body as text, counting its bytes as they arrive. */
  private record CountingBody(HttpResponse.BodySubscriber<String> text, AtomicLong bytes)
      implements HttpResponse.BodySubscriber<String> {
    @Override
    public CompletionStage<String> getBody() {
      return text.getBody();
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      text.onSubscribe(subscription);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      bytes.addAndGet(items.stream().mapToLong(ByteBuffer::remaining).sum());
      text.onNext(items);
    }

    @Override
    public void onError(Throwable failure) {
      text.onError(failure);
    }

    @Override
    public void onComplete() {
      text.onComplete();
    }
  }
}
