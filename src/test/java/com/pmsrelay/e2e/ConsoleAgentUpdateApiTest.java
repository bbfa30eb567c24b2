package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.pmsrelay.agent.AgentNode;
import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.agent.link.AgentLink;
import com.pmsrelay.cloud.store.AgentStateStore;
import com.pmsrelay.cloud.store.ChangeStore;
import com.pmsrelay.cloud.store.Release;
import com.pmsrelay.cloud.store.ReleaseStore;
import com.pmsrelay.common.protocol.Releases;
import com.pmsrelay.common.release.ReleaseSignature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What the console shows of the agent's updates and what it does for a move, over the demo (real
 * TLS bridge, real agents): the address the agent connects from, the update state an agent reported
 * through the bridge, the version banner from the version policy, and "Moving to a new server"
 * (the practice's admin only, CSRF as every console change, the new key once, audited, the old key
 * refused at the bridge with the move's message and the new one accepted). Ordered: the last test
 * sets a minimum version, which refuses both demo agents for ten minutes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ConsoleAgentUpdateApiTest extends RelayTest {
  @TempDir static Path agentDir;
  private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();
  private static final Logger LINK_LOGGER = (Logger) LoggerFactory.getLogger(AgentLink.class);
  private static AgentStateStore states;

  @BeforeAll
  static void watch() {
    states = new AgentStateStore(relay.demo.cloud().database());
    LOG.start();
    LINK_LOGGER.addAppender(LOG);
  }

  @AfterAll
  static void unwatch() {
    LINK_LOGGER.detachAppender(LOG);
  }

  private static JsonObject practice(ConsoleApiTest.Console c) throws Exception {
    HttpResponse<Buffer> r = c.request(HttpMethod.GET, "/practices/" + c.practiceId()).send().await();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  @Test
  @Order(1)
  void showsTheAgentsAddressAndTheUpdateItReported() throws Exception {
    ConsoleApiTest.Console c = ConsoleApiTest.login(0).await();
    waitUntil(() -> relay.demo.agents().get(0).isConnected(), 10_000, "practice 0's agent is connected");
    waitUntil(() -> "127.0.0.1".equals(get(() -> practice(c)).getJsonObject("agent").getString("address")), 10_000,
        "the console shows the address the agent connects from");
    JsonObject before = practice(c).getJsonObject("agent");
    assertThat(before.containsKey("update")).as(before.encode()).isFalse();
    assertThat(before.containsKey("versionNotice")).as(before.encode()).isFalse();

    // The practice's agent now updates itself, pinning key B; the operator published a release signed with key A.
    AgentNode demoAgent = relay.demo.agents().get(0);
    demoAgent.stop().await();
    KeyPair pinned = ReleaseSignature.generate();
    KeyPair other = ReleaseSignature.generate();
    byte[] jar = "not really a jar: never downloaded".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    String sha256 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(jar));
    ReleaseStore releases = new ReleaseStore(relay.demo.cloud().database());
    assertThat(releases.publish(new Release("90.0.1", jar.length, sha256,
        ReleaseSignature.sign(other.getPrivate(), "90.0.1", jar.length, sha256), System.currentTimeMillis(), 0, List.of(), null),
        List.of(Buffer.buffer(jar))).await()).isTrue();
    assertThat(releases.rollout("90.0.1", 100, List.of()).await()).isTrue();
    relay.demo.cloud().changes().publish(ChangeStore.RELEASES, "*").await();

    AgentConfig d = demoAgent.config();
    AgentConfig updating = new AgentConfig(d.practiceId(), d.agentKey(), d.cloud(), d.pingIntervalMs(), d.pms(), d.exec(),
        d.registered(), new AgentConfig.Update(ReleaseSignature.publicText(pinned.getPublic()), agentDir.resolve("install"),
            300_000, agentDir.resolve("state")));
    java.util.concurrent.atomic.AtomicInteger exited = new java.util.concurrent.atomic.AtomicInteger(-1);
    AgentNode agent = new AgentNode(relay.vertx(), updating, null, null, exited::set).start().await();
    try {
      waitUntil(() -> get(() -> practice(c)).getJsonObject("agent").getJsonObject("update") != null, 15_000,
          "the console shows the update the agent reported");
      JsonObject update = practice(c).getJsonObject("agent").getJsonObject("update");
      assertThat(update.getString("version")).isEqualTo("90.0.1");
      assertThat(update.getString("state")).isEqualTo("refused");
      assertThat(update.getString("reason")).isEqualTo("its signature does not match the pinned release key");
      assertThat(Instant.parse(update.getString("at"))).isBetween(Instant.now().minusSeconds(60), Instant.now());
      assertThat(practice(c).getJsonObject("agent").getString("address")).isEqualTo("127.0.0.1");
      assertThat(exited.get()).as("the agent refused the release and kept running").isEqualTo(-1);
    } finally {
      releases.withdraw("90.0.1", System.currentTimeMillis()).await();
      agent.stop().await();
    }
  }

  @Test
  @Order(2)
  void onlyThePracticesAdminMovesItTheKeyIsShownOnceAuditedAndTheOldKeyRefused() throws Exception {
    String practiceId = relay.practiceId(1);
    AgentNode oldServer = relay.demo.agents().get(1);
    waitUntil(oldServer::isConnected, 10_000, "practice 1's agent is connected");
    ConsoleApiTest.Console own = ConsoleApiTest.login(1).await();
    ConsoleApiTest.Console otherPractice = ConsoleApiTest.login(0).await();
    String path = "/console/api/practices/" + practiceId + "/move";

    HttpResponse<Buffer> noSession = relay.http.post(path).send().await();
    assertThat(noSession.statusCode()).isEqualTo(401);
    assertThat(noSession.getHeader("Content-Type")).startsWith("application/problem+json");
    HttpResponse<Buffer> noCsrf = relay.http.post(path).putHeader("Cookie", own.cookie()).send().await();
    assertThat(noCsrf.statusCode()).isEqualTo(403);
    assertThat(noCsrf.bodyAsJsonObject().getString("code")).isEqualTo("csrf_failed");
    HttpResponse<Buffer> wrongCsrf = relay.http.post(path).putHeader("Cookie", own.cookie())
        .putHeader("X-CSRF-Token", otherPractice.csrf()).send().await();
    assertThat(wrongCsrf.statusCode()).isEqualTo(403);
    HttpResponse<Buffer> notTheirs = otherPractice.request(HttpMethod.POST, "/practices/" + practiceId + "/move").send().await();
    assertThat(notTheirs.statusCode()).as(notTheirs.bodyAsString()).isEqualTo(404);
    assertThat(notTheirs.bodyAsString()).doesNotContain("pmsa_");
    Thread.sleep(500);
    assertThat(oldServer.isConnected()).as("no refused request moved the practice").isTrue();
    assertThat(states.movedAway(practiceId, oldServer.config().agentKey()).await()).isEmpty();

    synchronized (LOG) {
      LOG.list.clear();
    }
    HttpResponse<Buffer> moved = own.request(HttpMethod.POST, "/practices/" + practiceId + "/move").send().await();
    assertThat(moved.statusCode()).as(moved.bodyAsString()).isEqualTo(200);
    String newKey = moved.bodyAsJsonObject().getString("agentKey");
    com.pmsrelay.logs.TestSecrets.record("agent key", newKey);
    assertThat(newKey).startsWith("pmsa_").isNotEqualTo(oldServer.config().agentKey());
    Instant movedAt = Instant.parse(moved.bodyAsJsonObject().getString("movedAt"));

    // Shown once: nothing the console reads later holds it.
    assertThat(own.request(HttpMethod.GET, "/practices/" + practiceId).send().await().bodyAsString()).doesNotContain(newKey);
    HttpResponse<Buffer> audit = own.request(HttpMethod.GET, "/practices/" + practiceId + "/audit?kind=admin").send().await();
    assertThat(audit.bodyAsString()).doesNotContain(newKey);
    JsonObject record = audit.bodyAsJsonObject().getJsonArray("records").stream().map(JsonObject.class::cast)
        .filter(r -> r.getString("action").equals("practice.move")).findFirst().orElseThrow();
    assertThat(record.getString("actor")).isEqualTo("console:" + ConsoleApiTest.user(1).getString("username"));

    String refusal = "the cloud refused this agent: this agent's key was replaced when the practice moved to a new server on "
        + movedAt + "; this server's agent can be uninstalled";
    waitUntil(() -> lines().contains(refusal), 15_000, "the old server's agent logs why it is refused");
    assertThat(oldServer.isConnected()).isFalse();

    AgentConfig c = oldServer.config();
    AgentNode newServer = new AgentNode(relay.vertx(), new AgentConfig(c.practiceId(), newKey, c.cloud(), c.pingIntervalMs(),
        c.pms(), c.exec(), c.registered(), c.update())).start().await();
    try {
      waitUntil(newServer::isConnected, 10_000, "the new server's agent, with the new key, is accepted");
      assertThat(oldServer.isConnected()).isFalse();
    } finally {
      newServer.stop().await();
    }
  }

  @Test
  @Order(3)
  void theBannerShowsWhenThePolicyAsksForANewerVersion() throws Exception {
    ConsoleApiTest.Console c = ConsoleApiTest.login(0).await();
    waitUntil(() -> get(() -> practice(c)).getJsonObject("agent").getString("version") != null, 10_000,
        "the agent's version is known");
    // Tests run from classes: the agent's version is "dev", below any release.
    assertThat(practice(c).getJsonObject("agent").getString("version")).isEqualTo("dev");
    assertThat(practice(c).getJsonObject("agent").containsKey("versionNotice")).isFalse();

    states.setPolicy(null, "99.0", System.currentTimeMillis()).await();
    assertThat(practice(c).getJsonObject("agent").getString("versionNotice"))
        .isEqualTo("Your agent is version dev; version 99.0 or later is recommended.");

    states.setPolicy("98.0", "99.0", System.currentTimeMillis()).await();
    assertThat(practice(c).getJsonObject("agent").getString("versionNotice")).isEqualTo("Your agent is version dev; the relay"
        + " requires at least 98.0 and refuses it until it is updated. Ask your IT provider to update it.");

    states.setPolicy(null, null, System.currentTimeMillis()).await();
    assertThat(practice(c).getJsonObject("agent").containsKey("versionNotice")).isFalse();
  }

  private interface Read<T> {
    T get() throws Exception;
  }

  private static <T> T get(Read<T> read) {
    try {
      return read.get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> lines() {
    synchronized (LOG) {
      return LOG.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  private static void waitUntil(BooleanSupplier condition, long withinMs, String what) throws InterruptedException {
    long until = System.currentTimeMillis() + withinMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > until) {
        throw new AssertionError("not within " + withinMs + " ms: " + what);
      }
      Thread.sleep(50);
    }
  }
}
