package com.pmsrelay.cloud.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.store.Practice;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/** How an agent's status is told: online, unreachable after missed heartbeats, offline. */
class AgentStatusTest {
  private final AgentStatus status = new AgentStatus(Duration.ofSeconds(45));

  private static Practice practice(boolean connected, OffsetDateTime lastSeen) {
    return new Practice("p", "Practice", "demo", "1", "0.1.0", connected, lastSeen);
  }

  @Test
  void connectedAndHeardFromRecentlyIsOnline() {
    assertThat(status.status(practice(true, OffsetDateTime.now().minusSeconds(5)))).isEqualTo("online");
  }

  @Test
  void connectedButSilentPastTheHeartbeatTimeoutIsUnreachable() {
    // e.g. the cloud node holding its socket died without marking it disconnected
    assertThat(status.status(practice(true, OffsetDateTime.now().minusSeconds(90)))).isEqualTo("unreachable");
    assertThat(status.status(practice(true, null))).isEqualTo("unreachable");
  }

  @Test
  void disconnectedIsOfflineWithItsLastSeenTime() {
    OffsetDateTime seen = OffsetDateTime.now().minusMinutes(3);
    assertThat(status.status(practice(false, seen))).isEqualTo("offline");
    assertThat(status.json(practice(false, seen)).getString("lastSeen")).isEqualTo(seen.toInstant().toString());
  }
}
