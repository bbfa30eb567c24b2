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
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The version policy and a practice's move to a new server, over the real bridge (TLS, the demo's
 * cloud and agents): an agent below the minimum is refused with one line saying so and does not
 * try again at once; below the recommended version it connects with a warning; the key retired by
 * a move is refused with a line saying exactly that, and the new key is accepted.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AgentVersionPolicyAndMoveTest {
  @TempDir Path dir;
  private RelayFixture relay;
  private AgentStateStore states;
  private ChangeStore changes;
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger linkLogger = (Logger) LoggerFactory.getLogger(AgentLink.class);

  @BeforeEach
  void start() throws Exception {
    relay = RelayFixture.start(dir);
    states = new AgentStateStore(relay.demo.cloud().database());
    changes = relay.demo.cloud().changes();
    log.start();
    linkLogger.addAppender(log);
  }

  @AfterEach
  void stop() {
    linkLogger.detachAppender(log);
    relay.close();
  }

  @Test
  void anAgentBelowTheMinimumIsRefusedWithOneLineAndWaitsBelowRecommendedItIsWarned() throws Exception {
    AgentNode demoAgent = relay.demo.agents().get(0);
    // Tests run from classes: this agent's version is "dev", below any release.
    states.setPolicy("99.0", null, System.currentTimeMillis()).await();
    changes.publish(ChangeStore.RELEASES, "*").await();
    waitUntil(() -> !demoAgent.isConnected(), 10_000, "the connected outdated agent is dropped when the policy changes");
    for (AgentNode agent : relay.demo.agents()) {
      agent.stop().await(); // the other practice's agent is refused too: only the one started below is watched
    }
    synchronized (log) {
      log.list.clear();
    }

    AgentNode outdated = new AgentNode(relay.vertx(), demoAgent.config()).start().await();
    String refusal = "the cloud refused this agent: this agent is version dev; the cloud requires at least 99.0: update it"
        + " (README, 'Agent updates')";
    waitUntil(() -> lines().contains(refusal), 10_000, "the refusal is logged");
    Thread.sleep(3_000); // an agent hammering the cloud would have tried again many times by now
    assertThat(outdated.connectionsAccepted()).isZero();
    assertThat(lines().stream().filter(l -> l.contains("this agent is version dev"))).hasSize(1);
    assertThat(lines()).noneMatch(l -> l.startsWith("the cloud closed this agent's connection"));
    assertThat(lines()).anyMatch(l -> l.matches("reconnecting to the cloud in [0-9]+ ms")
        && Long.parseLong(l.replaceAll("[^0-9]", "")) >= 600_000);
    outdated.stop().await();

    synchronized (log) {
      log.list.clear();
    }
    states.setPolicy(null, "99.0", System.currentTimeMillis()).await();
    AgentNode warned = new AgentNode(relay.vertx(), demoAgent.config()).start().await();
    waitUntil(warned::isConnected, 10_000, "an agent below the recommended version connects");
    waitUntil(() -> lines().contains("this agent is version dev; version 99.0 or later is recommended: update it"
        + " (README, 'Agent updates')"), 5_000, "the warning is logged");
    warned.stop().await();
  }

  @Test
  void theKeyRetiredByAMoveIsRefusedWithItsMessageAndTheNewKeyIsAccepted() throws Exception {
    AgentNode oldServer = relay.demo.agents().get(1);
    String practiceId = relay.practiceId(1);
    waitUntil(oldServer::isConnected, 10_000, "the old server's agent is connected");
    assertThat(states.of(practiceId).await()).hasValueSatisfying(s -> assertThat(s.address()).isEqualTo("127.0.0.1"));

    AgentStateStore.Moved moved = states.move(practiceId, System.currentTimeMillis()).await().orElseThrow();
    com.pmsrelay.logs.TestSecrets.record("agent key", moved.agentKey());
    changes.publish(ChangeStore.AGENT_KEY, practiceId).await();
    String refusal = "the cloud refused this agent: this agent's key was replaced when the practice moved to a new server on "
        + java.time.Instant.ofEpochMilli(moved.movedAtMs()) + "; this server's agent can be uninstalled";
    waitUntil(() -> lines().contains(refusal), 15_000, "the old server's agent logs why it is refused");
    assertThat(oldServer.isConnected()).isFalse();

    AgentConfig c = oldServer.config();
    AgentConfig newServer = new AgentConfig(c.practiceId(), moved.agentKey(), c.cloud(), c.pingIntervalMs(), c.pms(), c.exec(),
        c.registered(), c.update());
    AgentNode agent = new AgentNode(relay.vertx(), newServer).start().await();
    waitUntil(agent::isConnected, 10_000, "the new server's agent, with the new key, is accepted");
    assertThat(oldServer.isConnected()).isFalse();
    agent.stop().await();
  }

  private List<String> lines() {
    synchronized (log) {
      return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
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
