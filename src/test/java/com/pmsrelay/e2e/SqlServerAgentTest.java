package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.agent.AgentNode;
import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.common.config.ConfigLoader;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent configured for SQL Server, through Microsoft's real mssql-jdbc driver. No SQL Server
 * can run on these machines, so the server is unreachable here: the agent must still connect to
 * the cloud, and queries must get 503 pms_unavailable rather than hang or fail obscurely.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class SqlServerAgentTest {
  @TempDir Path dir;
  Vertx vertx;

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void unreachableSqlServerIs503PmsUnavailable(VertxTestContext ctx) throws Exception {
    vertx = Vertx.vertx();
    JsonObject cloudJson = ConfigLoader.defaults("cloud");
    cloudJson.put("dataDir", dir.resolve("cloud").toString());
    cloudJson.getJsonObject("http").put("host", "127.0.0.1").put("port", 0);
    cloudJson.getJsonObject("bridge").put("host", "127.0.0.1").put("port", 0);
    cloudJson.getJsonObject("management").put("port", 0); // /metrics on a free port: nodes side by side
    CloudNode cloud = new CloudNode(vertx, CloudConfig.from(cloudJson)).start().await();
    PracticeStore.Created practice = cloud.practices().create("SQL Server Practice").await();
    IntegratorStore.Created integrator = cloud.integrators().create("Test Integrator", null).await();
    cloud.grants().put(Grant.withDefaults(practice.practiceId(), integrator.clientId(), GrantStatus.ENABLED)).await();

    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    JsonObject agentJson = ConfigLoader.defaults("agent");
    agentJson.put("practiceId", practice.practiceId()).put("agentKey", practice.agentKey());
    agentJson.getJsonObject("cloud").put("host", "127.0.0.1").put("port", cloud.bridgePort())
        .getJsonObject("tls").put("pinnedSha256", cloud.tls().fingerprintSha256());
    agentJson.getJsonObject("pms").put("jdbcUrl", "jdbc:sqlserver://127.0.0.1:" + closedPort
        + ";encrypt=false;loginTimeout=2").put("password", "not-used");
    AgentNode agent = new AgentNode(vertx, AgentConfig.from(agentJson)).start().await();
    long deadline = System.currentTimeMillis() + 15_000;
    while (!cloud.agents().isConnected(practice.practiceId()) && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertThat(agent.isConnected()).isTrue();

    WebClient http = com.pmsrelay.contract.ApiExchanges.recording(
        WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(cloud.httpPort())));
    http.post("/v1/token").sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")
            .add("client_id", integrator.clientId()).add("client_secret", integrator.clientSecret()))
        .map(r -> r.bodyAsJsonObject().getString("access_token"))
        .compose(token -> http.post("/v1/practices/" + practice.practiceId() + "/queries")
            .putHeader("Authorization", "Bearer " + token)
            .sendJsonObject(new JsonObject().put("sql", "SELECT TOP 1 InternalID FROM BPS_Patients")))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(503);
          assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("pms_unavailable");
          assertThat(r.getHeader("Retry-After")).isNotNull();
          assertThat(r.bodyAsString()).doesNotContain("jdbc:").doesNotContain("not-used");
          ctx.completeNow();
        })));
  }
}
