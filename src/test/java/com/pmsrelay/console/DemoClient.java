package com.pmsrelay.console;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The demo as its credentials.json describes it (practices, console users, integrators), and an
 * integrator's plain HTTP calls to its API (java.net.http, no Vert.x): the packaged jar's demo
 * ({@link DemoJar}) or one started in the test's JVM.
 */
class DemoClient {
  final JsonObject credentials;
  final String base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  DemoClient(JsonObject credentials) {
    this.credentials = credentials;
    this.base = credentials.getString("apiBaseUrl");
  }

  String practiceId(int i) {
    return credentials.getJsonArray("practices").getJsonObject(i).getString("practiceId");
  }

  String practiceName(int i) {
    return credentials.getJsonArray("practices").getJsonObject(i).getString("name");
  }

  JsonObject user(int i) {
    return credentials.getJsonArray("consoleUsers").getJsonObject(i);
  }

  JsonArray integrators() {
    return credentials.getJsonArray("integrators");
  }

  /** The integrator enabled at exactly the practices named (by index), in the demo's seed. */
  JsonObject integratorEnabledAt(int... practices) {
    for (int i = 0; i < integrators().size(); i++) {
      JsonArray at = integrators().getJsonObject(i).getJsonArray("enabledAt");
      boolean same = at.size() == practices.length;
      for (int p : practices) {
        same &= at.contains(practiceId(p));
      }
      if (same) {
        return integrators().getJsonObject(i);
      }
    }
    throw new IllegalStateException("no such integrator in the demo seed");
  }

  String token(JsonObject integrator) throws IOException, InterruptedException {
    String form = "grant_type=client_credentials&client_id=" + enc(integrator.getString("clientId"))
        + "&client_secret=" + enc(integrator.getString("clientSecret"));
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("token: " + r.statusCode() + " " + r.body());
    }
    return new JsonObject(r.body()).getString("access_token");
  }

  /** A token request with this client id and {@code secret}: its status. */
  int tokenStatus(String clientId, String secret) throws IOException, InterruptedException {
    String form = "grant_type=client_credentials&client_id=" + enc(clientId) + "&client_secret=" + enc(secret);
    return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  HttpResponse<String> query(String token, String practiceId, String sql) throws IOException, InterruptedException {
    return postJson(token, "/v1/practices/" + practiceId + "/queries", new JsonObject().put("sql", sql));
  }

  HttpResponse<String> postJson(String token, String path, JsonObject body) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Both demo agents connected, as an integrator enabled at both sees them. */
  void awaitAgentsOnline() throws Exception {
    String token = token(integratorEnabledAt(0, 1));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/practices"))
          .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
      JsonArray practices = new JsonObject(r.body()).getJsonArray("practices");
      long online = practices.stream().map(JsonObject.class::cast)
          .filter(p -> "online".equals(p.getJsonObject("agent").getString("status"))).count();
      if (online == 2) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the demo's agents did not come online");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

}
