package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.pmsrelay.agent.AgentNode;
import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.agent.link.AgentLink;
import com.pmsrelay.agent.pms.PooledPms;
import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.common.VertxRuntime;
import com.pmsrelay.common.config.ConfigLoader;
import com.pmsrelay.guard.SqlGuard;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.cloud.store.IntegratorStore;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The agent's log names the cause and the fix (issue #16, "Logs"): a wrong pin says so with both
 * fingerprints, a refused key says so with how to get a new one, and an agent whose own process
 * was frozen says that, not that the cloud was silent, and reconnects. Real cloud, real TLS bridge, real agents.
 */
@Timeout(90)
class AgentFailureLinesTest {
  /** The cloud's ack time-out here: an agent paused for half of it reconnects (the shipped 3 s takes longer to show). */
  private static final int ACK_TIMEOUT_MS = 1_000;
  @TempDir static Path dir;
  static Vertx cloudVertx;
  static CloudNode cloud;
  static PracticeStore.Created practice;
  static WebClient web;
  static String token;

  @BeforeAll
  static void startCloud() {
    cloudVertx = VertxRuntime.create();
    JsonObject json = ConfigLoader.defaults("cloud");
    json.put("dataDir", dir.resolve("cloud").toString());
    json.getJsonObject("http").put("host", "127.0.0.1").put("port", 0);
    json.getJsonObject("bridge").put("host", "127.0.0.1").put("port", 0).put("ackTimeoutMs", ACK_TIMEOUT_MS);
    json.getJsonObject("management").put("port", 0);
    cloud = new CloudNode(cloudVertx, CloudConfig.from(json)).start().await();
    practice = cloud.practices().create("Log Lines Practice").await();
    IntegratorStore.Created integrator = cloud.integrators().create("Lines Integrator", null).await();
    cloud.grants().put(Grant.withDefaults(practice.practiceId(), integrator.clientId(), GrantStatus.ENABLED)).await();
    web = WebClient.create(cloudVertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(cloud.httpPort()));
    token = web.post("/v1/token").sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")
        .add("client_id", integrator.clientId()).add("client_secret", integrator.clientSecret())).await()
        .bodyAsJsonObject().getString("access_token");
  }

  @AfterAll
  static void stopCloud() {
    cloud.stop().await();
    cloudVertx.close().await();
  }

  /** The agent link's log lines while attached. */
  static final class LinkLog extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final Logger logger = (Logger) LoggerFactory.getLogger(AgentLink.class);
    private final List<String> lines = new ArrayList<>();

    LinkLog() {
      setContext(logger.getLoggerContext());
      start();
      logger.addAppender(this);
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
      lines.add(event.getLevel() + " " + event.getFormattedMessage());
    }

    synchronized List<String> lines() {
      return List.copyOf(lines);
    }

    /** Waits up to 10 s for a line containing {@code text}. */
    List<String> await(String text) throws InterruptedException {
      long deadline = System.currentTimeMillis() + 10_000;
      while (System.currentTimeMillis() < deadline && lines().stream().noneMatch(l -> l.contains(text))) {
        Thread.sleep(20);
      }
      return lines();
    }

    @Override
    public void close() {
      logger.detachAppender(this);
      stop();
    }
  }

  private static AgentNode agent(Vertx vertx, Consumer<JsonObject> change) {
    JsonObject json = ConfigLoader.defaults("agent");
    json.put("practiceId", practice.practiceId()).put("agentKey", practice.agentKey()).put("pingIntervalMs", 300);
    json.getJsonObject("cloud").put("host", "127.0.0.1").put("port", cloud.bridgePort())
        .getJsonObject("tls").put("pinnedSha256", cloud.tls().fingerprintSha256());
    json.getJsonObject("reconnect").put("initialDelayMs", 200).put("maxDelayMs", 1_000);
    json.getJsonObject("registered").put("dir", dir.resolve("agent-" + UUID.randomUUID()).toString());
    change.accept(json);
    AgentConfig config = AgentConfig.from(json);
    JdbcDataSource db = new JdbcDataSource();
    db.setURL("jdbc:h2:mem:lines" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1;MODE=MSSQLServer");
    try (Connection c = db.getConnection()) {
      CountedView.create(c);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    PooledPms pms = PooledPms.of("test", "h2", Map.of("TestPMS", db), 1);
    return new AgentNode(vertx, config, pms, new SqlGuard(65_536, Set.of())).start().await();
  }

  @Test
  void aWrongPinNamesBothFingerprintsAndTheFix() throws Exception {
    Vertx vertx = Vertx.vertx();
    String wrong = "cd".repeat(32);
    try (LinkLog log = new LinkLog()) {
      agent(vertx, j -> j.getJsonObject("cloud").getJsonObject("tls").put("pinnedSha256", wrong));
      List<String> lines = log.await("does not match the pinned fingerprint");
      assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("WARN the cloud's certificate does not match the pinned"
          + " fingerprint: expected " + wrong + " (cloud.tls.pinnedSha256), presented " + cloud.tls().fingerprintSha256())
          .contains("set cloud.tls.pinnedSha256", "admin bridge fingerprint"));
      assertThat(lines).noneMatch(l -> l.contains("Failed to create SSL connection"));
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void aRefusedKeySaysSoWithHowToGetANewOne() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (LinkLog log = new LinkLog()) {
      agent(vertx, j -> j.put("agentKey", "pmsa_not_the_key"));
      List<String> lines = log.await("refused this agent's key");
      assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("ERROR the cloud refused this agent's key for practice "
          + practice.practiceId()).contains("admin practice rotate-key " + practice.practiceId(), "PMSRELAY_AGENT_KEY"));
      assertThat(lines).noneMatch(l -> l.contains("pmsa_not_the_key"));
    } finally {
      vertx.close().await();
    }
  }

  /**
   * FaultIT's frozen agent in one JVM: a query sent while the agent's process is paused is answered
   * 503 by the cloud, which sends its cancel after it; on waking the agent reads both, and must not
   * run the query. At the shipped 30 s heartbeat, a pause of seconds falls between two beats.
   */
  @Test
  void aQueryTheCloudGaveUpOnWhileTheAgentWasPausedNeverRuns() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setBlockedThreadCheckInterval(10_000));
    try (LinkLog log = new LinkLog()) {
      AgentNode agent = agent(vertx, j -> j.put("pingIntervalMs", 30_000));
      awaitServing();
      int before = CountedView.runs();
      java.util.concurrent.CountDownLatch paused = new java.util.concurrent.CountDownLatch(1);
      vertx.getOrCreateContext().runOnContext(v -> { // one event loop: the link's, as a stopped process
        paused.countDown();
        sleep(3 * ACK_TIMEOUT_MS);
      });
      paused.await();
      var answer = query();
      assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(503);
      assertThat(answer.bodyAsJsonObject().getString("code")).isEqualTo("agent_offline");

      assertThat(log.await("process was paused")).anySatisfy(l -> assertThat(l).startsWith("WARN this agent's process was paused"));
      long deadline = System.currentTimeMillis() + 10_000;
      while (agent.connectionsAccepted() < 2 && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertThat(agent.connectionsAccepted()).as("a new link after the pause").isEqualTo(2);
      awaitServing();
      assertThat(CountedView.runs() - before).as("runs at the database of the query answered 503, and of the query after").isEqualTo(1);
    } finally {
      vertx.close().await();
    }
  }

  private static io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> query() {
    return web.post("/v1/practices/" + practice.practiceId() + "/queries").putHeader("Authorization", "Bearer " + token)
        .sendJsonObject(new JsonObject().put("sql", "SELECT Runs FROM dbo.Counted")).await();
  }

  /** Queries while the agent is offline (503) until one succeeds, 10 s at most. */
  private static void awaitServing() throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    var answer = query();
    while (answer.statusCode() == 503 && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
      answer = query();
    }
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aFrozenAgentSaysItWasPausedNotThatTheCloudWasSilent() throws Exception {
    // One event loop: blocking it freezes the link's timers and reads as a stopped process would.
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setBlockedThreadCheckInterval(10_000));
    try (LinkLog log = new LinkLog()) {
      AgentNode agent = agent(vertx, j -> { });
      long deadline = System.currentTimeMillis() + 10_000;
      while (!agent.isConnected() && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertThat(agent.isConnected()).isTrue();
      Thread.sleep(700); // a few pings answered
      vertx.getOrCreateContext().runOnContext(v -> {
        try {
          Thread.sleep(1_800); // six intervals: long past the 750 ms of silence that would drop the link
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      List<String> lines = log.await("process was paused");
      assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("WARN this agent's process was paused for about")
          .contains("not the cloud's doing"));
      // A new link, so that nothing the cloud gave up on during the pause runs late (FaultIT's frozen agent).
      long back = System.currentTimeMillis() + 10_000;
      while (agent.connectionsAccepted() < 2 && System.currentTimeMillis() < back) {
        Thread.sleep(20);
      }
      assertThat(agent.connectionsAccepted()).as("reconnected after the pause").isEqualTo(2);
      assertThat(log.lines()).noneMatch(l -> l.contains("has been silent"));
    } finally {
      vertx.close().await();
    }
  }
}
