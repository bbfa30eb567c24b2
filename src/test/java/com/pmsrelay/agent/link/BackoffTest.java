package com.pmsrelay.agent.link;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void growsExponentiallyWithJitterUpToTheCapAndResets() {
    Backoff backoff = new Backoff(100, 1_000);
    long[] bounds = {100, 200, 400, 800, 1_000, 1_000, 1_000};
    for (long step : bounds) {
      long delay = backoff.nextDelayMs();
      assertThat(delay).isBetween(step / 2, step);
    }
    backoff.reset();
    assertThat(backoff.nextDelayMs()).isBetween(50L, 100L);
  }

  @Test
  void jitterSpreadsAgentsApart() {
    java.util.Set<Long> delays = new java.util.HashSet<>();
    for (int i = 0; i < 50; i++) {
      Backoff b = new Backoff(1_000, 30_000);
      b.nextDelayMs();
      b.nextDelayMs();
      delays.add(b.nextDelayMs());
    }
    assertThat(delays.size()).isGreaterThan(10);
  }
}
