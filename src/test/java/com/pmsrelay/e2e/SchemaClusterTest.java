package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.demo.DemoMode;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema discovery on two clustered cloud nodes ({@code demo --nodes 2}): the first practice's agent
 * is connected to the first node, the request comes to the second, which asks the agent across
 * the cluster and then answers from its own cache.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class SchemaClusterTest {
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
    web = com.pmsrelay.contract.ApiExchanges.recording(WebClient.create(client)); // checked by OpenApiContractIT
  }

  @AfterAll
  static void stop() {
    client.close().await();
    demo.close().await();
  }

  private static Future<HttpResponse<Buffer>> schema(URI api, String token, String practiceId) {
    return web.get(api.getPort(), api.getHost(), "/v1/practices/" + practiceId + "/schema")
        .putHeader("Authorization", "Bearer " + token).send();
  }

  @Test
  void theAgentOnOneNodeAnswersARequestAtTheOtherOnceThenItsCacheDoes(VertxTestContext ctx) {
    JsonObject credentials = demo.credentials();
    String practiceId = credentials.getJsonArray("practices").getJsonObject(0).getString("practiceId");
    assertThat(demo.nodes().get(0).agents().isConnected(practiceId)).as("the agent is at the first node").isTrue();
    assertThat(demo.nodes().get(1).agents().isConnected(practiceId)).isFalse();
    URI second = URI.create(credentials.getJsonArray("apiBaseUrls").getString(1));
    JsonObject analytics = credentials.getJsonArray("integrators").getJsonObject(2); // enabled at both practices
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")
        .add("client_id", analytics.getString("clientId")).add("client_secret", analytics.getString("clientSecret"));
    var agent = demo.agents().get(0).executor();
    long before = agent.catalogueReads();
    long[] afterFirst = new long[1];
    web.post(second.getPort(), second.getHost(), "/v1/token").sendForm(form)
        .map(r -> r.bodyAsJsonObject().getString("access_token"))
        .compose(token -> schema(second, token, practiceId).compose(first -> {
          afterFirst[0] = agent.catalogueReads();
          return schema(second, token, practiceId).map(again -> List.of(first, again));
        }))
        .onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
          for (HttpResponse<Buffer> r : answers) {
            assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
            assertThat(SchemaDiscoveryTest.names(r.bodyAsJsonObject()))
                .containsExactlyElementsOf(SchemaDiscoveryTest.DEMO_TABLES);
          }
          assertThat(answers.get(1).bodyAsJsonObject()).isEqualTo(answers.get(0).bodyAsJsonObject());
          assertThat(afterFirst[0] - before).as("reads at the agent for the first request").isEqualTo(1);
          assertThat(agent.catalogueReads()).as("reads after the second").isEqualTo(afterFirst[0]);
          ctx.completeNow();
        })));
  }
}
