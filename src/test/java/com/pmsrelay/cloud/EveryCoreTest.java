package com.pmsrelay.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.common.config.ConfigLoader;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A cloud node's edges deployed as several instances: requests spread over their event loops, the
 * state they share (here the rate limit) is the node's, and stopping the node leaves no timer of
 * it behind on a Vert.x that stays open.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EveryCoreTest {
  static final int HTTP_INSTANCES = 4;

  @TempDir
  Path dir;
  Vertx vertx;

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private CloudConfig config() {
    JsonObject json = ConfigLoader.defaults("cloud");
    json.put("dataDir", dir.toString());
    json.getJsonObject("http").put("host", "127.0.0.1").put("port", 0).put("instances", HTTP_INSTANCES);
    json.getJsonObject("bridge").put("host", "127.0.0.1").put("port", 0).put("instances", 2);
    json.getJsonObject("management").put("port", 0); // /metrics on a free port: nodes side by side
    return CloudConfig.from(json);
  }

  @Test
  void aGrantsRateHoldsAcrossInstancesWhileRequestsSpreadOverTheirEventLoops() {
    Set<String> servedOn = ConcurrentHashMap.newKeySet();
    // The real token check, noting the thread of the instance that serves the request.
    CloudNode node = new CloudNode(vertx, config(), tokens -> token -> {
      servedOn.add(Thread.currentThread().getName());
      return tokens.verify(token);
    }).start().await();
    String practiceId = node.practices().create("Rate Practice").await().practiceId();
    IntegratorStore.Created integrator = node.integrators().create("Flooding Integrator", null).await();
    Grant defaults = Grant.withDefaults(practiceId, integrator.clientId(), GrantStatus.ENABLED);
    // 6 a minute: a bucket of 6 (the whole minute's allowance is under 10), refilled one per 10 s.
    node.grants().put(new Grant(practiceId, integrator.clientId(), GrantStatus.ENABLED, new JsonArray(),
        defaults.maxRows(), defaults.maxTimeoutMs(), defaults.maxQueueTimeoutMs(), 6, defaults.weight())).await();
    // A new connection per request: the shared server hands connections to the instances in turn.
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(node.httpPort()).setKeepAlive(false));
    String token = client.post("/v1/token").sendForm(MultiMap.caseInsensitiveMultiMap()
            .add("grant_type", "client_credentials").add("client_id", integrator.clientId())
            .add("client_secret", integrator.clientSecret()))
        .await().bodyAsJsonObject().getString("access_token");

    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 10 * HTTP_INSTANCES; i++) {
      statuses.add(client.post("/v1/practices/" + practiceId + "/queries").putHeader("Authorization", "Bearer " + token)
          .sendJsonObject(new JsonObject().put("sql", "SELECT PatientId FROM Patients")).await().statusCode());
    }

    // Past the limit: 429. Within it: 503, as no agent is connected. One limiter per instance
    // would have let 6 through at each of the 4.
    assertThat(statuses).filteredOn(s -> s != 429).hasSize(6).containsOnly(503);
    assertThat(servedOn).as("event loops that served requests").hasSizeGreaterThan(1);
    client.close();
    node.stop().await();
  }

  @Test
  void afterStopNoTimerOfTheNodeIsLeftOnAVertxThatStaysOpen() throws Exception {
    long before = vertx.setTimer(TimeUnit.HOURS.toMillis(1), id -> { });
    vertx.cancelTimer(before);
    CloudNode node = new CloudNode(vertx, config()).start().await();
    Thread.sleep(1_500); // the heartbeat flushes and the change feed is polled
    node.stop().await();

    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    Logger relay = (Logger) LoggerFactory.getLogger("com.pmsrelay");
    logged.start();
    relay.addAppender(logged);
    try {
      // Longer than the change follower's poll (250 ms) and the heartbeat flush (1 s), and than the
      // HTTP server's 2 s shutdown: a timer still set fails against the closed store, and says so.
      Thread.sleep(2_500);
    } finally {
      relay.detachAppender(logged);
    }
    assertThat(logged.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .extracting(ILoggingEvent::getFormattedMessage).isEmpty();

    // Timer ids count up: every id between these two was set while the node lived, and cancelling
    // one that is still set succeeds. The hourly change-feed purge and the daily audit retention
    // are caught here, though neither would fire within a test.
    long after = vertx.setTimer(TimeUnit.HOURS.toMillis(1), id -> { });
    vertx.cancelTimer(after);
    List<Long> stillSet = new ArrayList<>();
    for (long id = before + 1; id < after; id++) {
      if (vertx.cancelTimer(id)) {
        stillSet.add(id);
      }
    }
    assertThat(stillSet).as("timers of the node still set after stop").isEmpty();
  }
}
