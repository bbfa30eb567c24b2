package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.pmsrelay.agent.AgentNode;
import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.agent.pms.PooledPms;
import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.LoopbackCloud;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.edge.ProxyHeaderRefusals;
import com.pmsrelay.cloud.edge.ProxyHeaders;
import com.pmsrelay.cloud.edge.ProxyProtocolForwarder;
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
import org.slf4j.LoggerFactory;

/**
 * {@code bridge.proxyProtocol} behind a TCP load balancer: real agents reach the real TLS bridge
 * through a forwarder that writes a PROXY v1 or v2 header before their TLS, authenticate, and the
 * monitor's agentKey rule compares the addresses the headers name (a known one is quiet, a new
 * one alerts), not the balancer's. An agent connecting without the header is refused before TLS,
 * logged once at INFO without a stack.
 */
@Timeout(120)
class ProxyProtocolBridgeTest {
  @TempDir Path dir;

  @Test
  void agentsBehindTheBalancerAuthenticateAndTheMonitorSeesTheirOwnAddresses() throws Exception {
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    ch.qos.logback.classic.Logger refusalLog = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(ProxyHeaderRefusals.class);
    refusalLog.addAppender(logged);
    Vertx cloudVertx = VertxRuntime.create();
    Vertx agentVertx = VertxRuntime.create();
    try {
      JsonObject json = LoopbackCloud.json(dir.resolve("cloud"));
      json.getJsonObject("bridge").put("proxyProtocol", true).put("instances", 2);
      json.getJsonObject("monitor").put("saveIntervalSeconds", 1);
      CloudNode cloud = new CloudNode(cloudVertx, CloudConfig.from(json)).start().await();
      PracticeStore.Created practice = cloud.practices().create("Balanced Practice").await();
      // The practice's agent has so far connected from 203.0.113.10 only (through the balancer, every
      // TCP peer is 127.0.0.1: the rule would alert at once if it saw that).
      cloud.baselines().merge(practice.practiceId(), BaselineStore.AGENT, s -> new JsonObject()
          .put("f", System.currentTimeMillis() - 86_400_000L).put("a", new JsonArray().add("203.0.113.10")).encode()).await();
      int bridge = cloud.bridgePort();

      try (ProxyProtocolForwarder v1 = ProxyProtocolForwarder.start(agentVertx, bridge,
          () -> ProxyHeaders.v1("203.0.113.10", 51_000, "127.0.0.1", bridge))) {
        AgentNode agent = agent(agentVertx, v1.port(), cloud, practice);
        assertThat(connected(cloud, practice, 15_000)).as("authenticated through a v1 header").isTrue();
        Thread.sleep(1_500); // the monitor has seen the authentication: its known address, no alert
        assertThat(cloud.alerts().list(practice.practiceId(), false, 10).await()).isEmpty();
        agent.stop().await();
      }
      awaitDisconnected(cloud, practice);

      try (ProxyProtocolForwarder v2 = ProxyProtocolForwarder.start(agentVertx, bridge,
          () -> ProxyHeaders.v2("203.0.113.20", 52_000, "127.0.0.1", bridge))) {
        AgentNode agent = agent(agentVertx, v2.port(), cloud, practice);
        assertThat(connected(cloud, practice, 15_000)).as("authenticated through a v2 header").isTrue();
        List<Alert> alerts = awaitAlerts(cloud, practice.practiceId(), 1);
        assertThat(alerts).singleElement().satisfies(a -> {
          assertThat(a.rule()).isEqualTo("agentKey");
          assertThat(a.figures().getString("reason")).isEqualTo("new_address");
          assertThat(a.figures().getString("address")).isEqualTo("203.0.113.20");
          assertThat(a.figures().getInteger("knownAddresses")).isEqualTo(1);
        });
        agent.stop().await();
      }
      awaitDisconnected(cloud, practice);

      // Straight to the bridge, without the header: refused before TLS, however often it retries.
      AgentNode direct = agent(agentVertx, bridge, cloud, practice);
      assertThat(connected(cloud, practice, 4_000)).as("no header, no connection").isFalse();
      direct.stop().await();
      List<ILoggingEvent> info = logged.list.stream().filter(e -> e.getLevel() == Level.INFO).toList();
      assertThat(info).as("one INFO line for every refusal of the minute").hasSize(1);
      assertThat(info.get(0).getFormattedMessage()).contains("bridge.proxyProtocol").contains("PROXY protocol");
      assertThat(logged.list).allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());
      assertThat(cloud.alerts().list(practice.practiceId(), false, 10).await()).hasSize(1);
      cloud.stop().await();
    } finally {
      refusalLog.detachAppender(logged);
      agentVertx.close().await();
      cloudVertx.close().await();
    }
  }

  private static boolean connected(CloudNode cloud, PracticeStore.Created practice, long withinMs)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + withinMs;
    while (System.currentTimeMillis() < deadline) {
      if (cloud.agents().isConnected(practice.practiceId())) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  private static void awaitDisconnected(CloudNode cloud, PracticeStore.Created practice) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (cloud.agents().isConnected(practice.practiceId()) && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(cloud.agents().isConnected(practice.practiceId())).isFalse();
  }

  private static List<Alert> awaitAlerts(CloudNode cloud, String practiceId, int count) throws InterruptedException {
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

  /** An agent of the practice on an empty in-memory database, dialling {@code 127.0.0.1:port}. */
  private static AgentNode agent(Vertx vertx, int port, CloudNode cloud, PracticeStore.Created practice) {
    JsonObject json = ConfigLoader.defaults("agent");
    json.put("practiceId", practice.practiceId()).put("agentKey", practice.agentKey()).put("pingIntervalMs", 1_000);
    json.getJsonObject("cloud").put("host", "127.0.0.1").put("port", port)
        .getJsonObject("tls").put("pinnedSha256", cloud.tls().fingerprintSha256());
    json.getJsonObject("reconnect").put("initialDelayMs", 200).put("maxDelayMs", 1_000);
    AgentConfig config = AgentConfig.from(json);
    JdbcDataSource db = new JdbcDataSource();
    db.setURL("jdbc:h2:mem:pp" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1;MODE=MSSQLServer");
    PooledPms pms = PooledPms.of("test", "h2", Map.of("TestPMS", db), config.exec().maxConcurrent());
    return new AgentNode(vertx, config, pms, new SqlGuard(65_536, Set.of())).start().await();
  }
}
