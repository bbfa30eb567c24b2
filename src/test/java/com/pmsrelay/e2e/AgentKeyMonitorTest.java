package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.agent.AgentNode;
import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.agent.pms.PooledPms;
import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.store.Alert;
import com.pmsrelay.cloud.store.BaselineStore;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.common.VertxRuntime;
import com.pmsrelay.common.config.ConfigLoader;
import com.pmsrelay.guard.SqlGuard;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule 6 with real agents over the real TLS bridge: a practice's agent key used from an address the
 * monitor has never seen for it alerts ({@code new_address}), and a second agent holding the same
 * key taking over the live connection of the first alerts once ({@code second_connection}), however
 * often the two then displace each other within the cooldown.
 */
@Timeout(90)
class AgentKeyMonitorTest {
  @TempDir Path dir;

  @Test
  void aNewAddressAndASecondAgentWithTheSameKeyAlert() throws Exception {
    Vertx cloudVertx = VertxRuntime.create();
    Vertx agentVertx = VertxRuntime.create();
    try {
      JsonObject json = ConfigLoader.defaults("cloud");
      json.put("dataDir", dir.resolve("cloud").toString());
      json.getJsonObject("http").put("host", "127.0.0.1").put("port", 0);
      json.getJsonObject("bridge").put("host", "127.0.0.1").put("port", 0);
      json.getJsonObject("management").put("port", 0);
      json.getJsonObject("monitor").put("saveIntervalSeconds", 1);
      CloudNode cloud = new CloudNode(cloudVertx, CloudConfig.from(json)).start().await();
      PracticeStore.Created practice = cloud.practices().create("Key Practice").await();
      // The agent has so far connected from one address only, which is not this machine's loopback.
      cloud.baselines().merge(practice.practiceId(), BaselineStore.AGENT, s -> new JsonObject()
          .put("f", System.currentTimeMillis() - 86_400_000L).put("a", new JsonArray().add("10.9.8.7")).encode()).await();

      AgentNode first = agent(agentVertx, cloud, practice);
      List<Alert> alerts = await(cloud, practice.practiceId(), 1);
      assertThat(alerts).singleElement().satisfies(a -> {
        assertThat(a.rule()).isEqualTo("agentKey");
        assertThat(a.clientId()).isNull();
        assertThat(a.figures().getString("reason")).isEqualTo("new_address");
        assertThat(a.figures().getString("address")).isEqualTo("127.0.0.1");
        assertThat(a.figures().getInteger("knownAddresses")).isEqualTo(1);
      });
      Thread.sleep(1_500); // the first agent is heard (pings every second), and nothing else fires
      assertThat(cloud.alerts().list(practice.practiceId(), false, 10).await()).hasSize(1);

      AgentNode second = agent(agentVertx, cloud, practice); // another run, the same key
      alerts = await(cloud, practice.practiceId(), 2);
      assertThat(alerts.get(0).figures().getString("reason")).isEqualTo("second_connection");
      assertThat(alerts.get(0).figures().getDouble("otherHeardSecondsAgo")).isLessThan(60.0);
      Thread.sleep(3_000); // the two displace each other meanwhile: one alert in the cooldown
      second.stop().await();
      Thread.sleep(1_000);
      assertThat(cloud.alerts().list(practice.practiceId(), false, 10).await()).extracting(a -> a.figures()
          .getString("reason")).containsExactlyInAnyOrder("second_connection", "new_address");
      first.stop().await();
      cloud.stop().await();
    } finally {
      agentVertx.close().await();
      cloudVertx.close().await();
    }
  }

  private static List<Alert> await(CloudNode cloud, String practiceId, int count) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    List<Alert> found;
    do {
      found = cloud.alerts().list(practiceId, false, 10).await();
      if (found.size() >= count) {
        return found;
      }
      Thread.sleep(50);
    } while (System.currentTimeMillis() < deadline);
    return found;
  }

  /** An agent of the practice on an empty in-memory database, connected. */
  private static AgentNode agent(Vertx vertx, CloudNode cloud, PracticeStore.Created practice) throws Exception {
    JsonObject json = ConfigLoader.defaults("agent");
    json.put("practiceId", practice.practiceId()).put("agentKey", practice.agentKey()).put("pingIntervalMs", 1_000);
    json.getJsonObject("cloud").put("host", "127.0.0.1").put("port", cloud.bridgePort())
        .getJsonObject("tls").put("pinnedSha256", cloud.tls().fingerprintSha256());
    json.getJsonObject("reconnect").put("initialDelayMs", 200).put("maxDelayMs", 1_000);
    AgentConfig config = AgentConfig.from(json);
    JdbcDataSource db = new JdbcDataSource();
    db.setURL("jdbc:h2:mem:key" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1;MODE=MSSQLServer");
    PooledPms pms = PooledPms.of("test", "h2", Map.of("TestPMS", db), config.exec().maxConcurrent());
    AgentNode agent = new AgentNode(vertx, config, pms, new SqlGuard(65_536, Set.of())).start().await();
    long deadline = System.currentTimeMillis() + 15_000;
    while (!cloud.agents().isConnected(practice.practiceId()) && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    return agent;
  }
}
