package com.pmsrelay.e2e;

import com.pmsrelay.demo.DemoMode;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo system started in-process on ephemeral ports (cloud, two agents on two small demo PMS
 * databases, real TLS sockets between them), plus an HTTP client for the integrator API.
 */
final class RelayFixture implements AutoCloseable {
  final DemoMode.Running demo;
  final WebClient http;
  final JsonObject credentials;

  private RelayFixture(DemoMode.Running demo, WebClient http) {
    this.demo = demo;
    this.http = http;
    this.credentials = demo.credentials();
    com.pmsrelay.logs.TestSecrets.recordCredentials(credentials);
  }

  static RelayFixture start(Path dir) throws IOException {
    return start(dir, new JsonObject());
  }

  /** The demo with {@code cloudOverrides} merged into its cloud's settings (conf/cloud.json's shape). */
  static RelayFixture start(Path dir, JsonObject cloudOverrides) throws IOException {
    Path config = dir.resolve("demo-test.json");
    Files.writeString(config, new JsonObject().put("patients", 300).encode());
    DemoMode.Running demo = DemoMode.start(config, 0, dir.resolve("data"), 1, cloudOverrides,
        new PrintStream(new ByteArrayOutputStream()));
    WebClient http = WebClient.create(demo.vertx(), new WebClientOptions()
        .setDefaultHost("127.0.0.1").setDefaultPort(demo.cloud().httpPort()),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64));
    return new RelayFixture(demo, http);
  }

  Vertx vertx() {
    return demo.vertx();
  }

  String practiceId(int index) {
    return credentials.getJsonArray("practices").getJsonObject(index).getString("practiceId");
  }

  /** 0: enabled at practice 0 only; 1: enabled at practice 1 only; 2: enabled at both. */
  JsonObject integrator(int index) {
    return credentials.getJsonArray("integrators").getJsonObject(index);
  }

  Future<String> token(int integrator) {
    JsonObject i = integrator(integrator);
    return tokenResponse(i.getString("clientId"), i.getString("clientSecret")).map(r -> {
      if (r.statusCode() != 200) {
        throw new IllegalStateException("token request failed: " + r.statusCode() + " " + r.bodyAsString());
      }
      return r.bodyAsJsonObject().getString("access_token");
    });
  }

  Future<HttpResponse<Buffer>> tokenResponse(String clientId, String secret) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap()
        .add("grant_type", "client_credentials").add("client_id", clientId).add("client_secret", secret);
    return http.post("/v1/token").sendForm(form);
  }

  Future<HttpResponse<Buffer>> query(String token, String practiceId, JsonObject body) {
    com.pmsrelay.logs.TestSecrets.recordParams(body);
    return http.post("/v1/practices/" + practiceId + "/queries")
        .putHeader("Authorization", "Bearer " + token)
        .sendJsonObject(body);
  }

  Future<HttpResponse<Buffer>> query(String token, String practiceId, String sql) {
    return query(token, practiceId, new JsonObject().put("sql", sql));
  }

  Future<HttpResponse<Buffer>> get(String token, String path) {
    return http.get(path).putHeader("Authorization", "Bearer " + token).send();
  }

  @Override
  public void close() {
    http.close();
    demo.close().await();
  }
}
