package com.pmsrelay.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo --nodes 2}: two clustered cloud nodes, each its own API port, the two agents one at
 * each; credentials.json names both base URLs, and at either of them an integrator reaches both
 * practices.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class DemoClusterTest {
  @TempDir static Path dir;
  static DemoMode.Running demo;
  static Vertx client;
  static WebClient web;

  @BeforeAll
  static void start() throws Exception {
    Path config = dir.resolve("demo-test.json");
    Files.writeString(config, new JsonObject().put("patients", 100).encode());
    demo = DemoMode.start(config, 0, dir.resolve("data"), 2, new PrintStream(new ByteArrayOutputStream()));
    client = Vertx.vertx();
    web = WebClient.create(client);
  }

  @AfterAll
  static void stop() {
    client.close().await();
    demo.close().await();
  }

  @Test
  void credentialsNameEveryNodeAndTheAgentsAreSpreadOverThem() throws Exception {
    JsonObject written = new JsonObject(Files.readString(dir.resolve("data").resolve("credentials.json")));
    JsonArray bases = written.getJsonArray("apiBaseUrls");
    assertThat(bases).hasSize(2);
    assertThat(written.getString("apiBaseUrl")).isEqualTo(bases.getString(0));
    for (int i = 0; i < 2; i++) {
      String practiceId = written.getJsonArray("practices").getJsonObject(i).getString("practiceId");
      assertThat(demo.nodes().get(i).agents().isConnected(practiceId)).as("agent %d at node %d", i, i).isTrue();
    }
  }

  @Test
  void atEitherNodeAnIntegratorReachesBothPractices(VertxTestContext ctx) {
    JsonObject credentials = demo.credentials();
    JsonObject analytics = credentials.getJsonArray("integrators").getJsonObject(2); // enabled at both practices
    List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
    for (Object base : credentials.getJsonArray("apiBaseUrls")) {
      URI api = URI.create((String) base);
      MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")
          .add("client_id", analytics.getString("clientId")).add("client_secret", analytics.getString("clientSecret"));
      Future<String> token = web.post(api.getPort(), api.getHost(), "/v1/token").sendForm(form)
          .map(r -> r.bodyAsJsonObject().getString("access_token"));
      for (Object practice : credentials.getJsonArray("practices")) {
        String practiceId = ((JsonObject) practice).getString("practiceId");
        answers.add(token.compose(t -> web.post(api.getPort(), api.getHost(), "/v1/practices/" + practiceId + "/queries")
            .putHeader("Authorization", "Bearer " + t)
            .sendJsonObject(new JsonObject().put("sql", "SELECT TOP 3 PatientId FROM dbo.Patients ORDER BY PatientId"))));
      }
    }
    Future.all(answers).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      assertThat(answers).hasSize(4);
      for (Future<HttpResponse<Buffer>> a : answers) {
        assertThat(a.result().statusCode()).as(a.result().bodyAsString()).isEqualTo(200);
        assertThat(a.result().bodyAsJsonObject().getJsonArray("rows")).hasSize(3);
      }
      ctx.completeNow();
    })));
  }
}
