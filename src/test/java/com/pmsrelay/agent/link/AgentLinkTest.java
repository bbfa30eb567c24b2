package com.pmsrelay.agent.link;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.agent.AgentNode;
import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.common.config.ConfigLoader;
import com.pmsrelay.common.protocol.Addresses;
import com.pmsrelay.common.protocol.Frames;
import com.pmsrelay.common.protocol.QueryRequest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent against a scripted cloud (a TLS server speaking the bridge protocol): it pins the
 * certificate, authenticates first, and never runs a query meant for another practice.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class AgentLinkTest {
  @TempDir Path dir;
  Vertx vertx;
  FakeCloud cloud;
  final String practiceId = UUID.randomUUID().toString();

  @BeforeEach
  void startFakeCloud() throws Exception {
    vertx = Vertx.vertx();
    cloud = FakeCloud.start(vertx, dir);
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private AgentConfig agentConfig(String pin) {
    JsonObject json = ConfigLoader.defaults("agent");
    json.put("practiceId", practiceId).put("agentKey", "pmsa_test");
    json.getJsonObject("cloud").put("host", "127.0.0.1").put("port", cloud.port())
        .getJsonObject("tls").put("pinnedSha256", pin);
    json.getJsonObject("reconnect").put("initialDelayMs", 100).put("maxDelayMs", 200);
    json.getJsonObject("pms").put("kind", "demo").put("catalogues", new JsonArray().add("DemoPMS"))
        .getJsonObject("demo").put("dir", dir.resolve("pms").toString()).put("patients", 50);
    return AgentConfig.from(json);
  }

  @Test
  void authenticatesFirstThenRegistersOnlyItsOwnAddress(VertxTestContext ctx) {
    new AgentNode(vertx, agentConfig(cloud.tls.fingerprintSha256())).start()
        .compose(agent -> cloud.registered.future())
        .onComplete(ctx.succeeding(socket -> ctx.verify(() -> {
          List<JsonObject> received = cloud.received();
          assertThat(received.get(0).getString("address")).isEqualTo(Addresses.AGENT_AUTH);
          assertThat(received.get(0).getJsonObject("body").getString("practiceId")).isEqualTo(practiceId);
          assertThat(received.get(1).getString("type")).isEqualTo("register");
          assertThat(received.get(1).getString("address")).isEqualTo(Addresses.practice(practiceId));
          ctx.completeNow();
        })));
  }

  @Test
  void refusesAQueryForAnotherPractice(VertxTestContext ctx) {
    String otherPractice = UUID.randomUUID().toString();
    String queryId = UUID.randomUUID().toString();
    QueryRequest foreign = new QueryRequest(queryId, otherPractice, "cli_x", "SELECT TOP 1 PatientId FROM dbo.Patients",
        new JsonArray(), null, 5_000, 5_000, 10, Long.MAX_VALUE, 1, new JsonArray(), QueryRequest.DEFAULT_CREDIT);
    new AgentNode(vertx, agentConfig(cloud.tls.fingerprintSha256())).start()
        .compose(agent -> cloud.registered.future())
        .onComplete(ctx.succeeding(socket -> {
          socket.write(Frames.encode(Frames.message(Addresses.practice(practiceId), foreign.toJson(), Addresses.stream(queryId))));
          vertx.setPeriodic(20, id -> {
            JsonObject answer = cloud.received().stream().filter(f -> Addresses.stream(queryId).equals(f.getString("address")))
                .findFirst().orElse(null);
            if (answer != null) {
              vertx.cancelTimer(id);
              ctx.verify(() -> {
                assertThat(answer.getJsonObject("body").getJsonObject("error").getString("code")).isEqualTo("practice_not_found");
                assertThat(cloud.received()).noneMatch(f -> f.getJsonObject("body") != null
                    && f.getJsonObject("body").containsKey("rows"));
              });
              ctx.completeNow();
            }
          });
        }));
  }

  @Test
  void refusesACloudWhoseCertificateDoesNotMatchThePin(VertxTestContext ctx) {
    new AgentNode(vertx, agentConfig("00".repeat(32))).start().onComplete(ctx.succeeding(agent ->
        vertx.setTimer(1_500, id -> ctx.verify(() -> {
          assertThat(cloud.received()).as("no frame reaches an unpinned cloud").isEmpty();
          assertThat(agent.isConnected()).isFalse();
          ctx.completeNow();
        }))));
  }
}
