package com.pmsrelay.agent.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BackoffTest {
  /** The outage's clock: each attempt comes after the delay before it. */
  private final AtomicLong now = new AtomicLong(1_000_000);

  private long next(Backoff backoff) {
    long delay = backoff.nextDelayMs();
    now.addAndGet(delay);
    return delay;
  }

  @Test
  void growsExponentiallyWithJitterUpToTheCapAndResets() {
    Backoff backoff = new Backoff(100, 1_000, 1_000, 0, now::get);
    long[] steps = {100, 200, 400, 800, 1_000, 1_000, 1_000};
    for (long step : steps) {
      assertThat(next(backoff)).isBetween(step / 2, step);
    }
    backoff.reset();
    assertThat(next(backoff)).isBetween(50L, 100L);
  }

  @Test
  void staysShortForTheFirstMinuteOfAnOutageThenGrowsToTheCap() {
    Backoff backoff = new Backoff(500, 30_000, 2_000, 60_000, now::get);
    long start = now.get();
    while (now.get() - start < 60_000) {
      assertThat(next(backoff)).as("a delay within the first minute").isBetween(250L, 2_000L);
    }
    // Past the first minute the step doubles from where it stood: 4 s, 8 s, 16 s, then the cap.
    long[] steps = {4_000, 8_000, 16_000, 30_000, 30_000};
    for (long step : steps) {
      assertThat(next(backoff)).isBetween(step / 2, step);
    }
  }

  @Test
  void aLinkThatWasUpStartsAfreshWithAnotherShortPhase() {
    Backoff backoff = new Backoff(500, 30_000, 2_000, 60_000, now::get);
    while (next(backoff) < 15_000) {
      // a long outage, past its short phase
    }
    backoff.reset();
    assertThat(next(backoff)).isBetween(250L, 500L);
    for (int i = 0; i < 20; i++) {
      assertThat(next(backoff)).isBetween(250L, 2_000L);
    }
  }

  @Test
  void jitterSpreadsAgentsApart() {
    java.util.Set<Long> delays = new java.util.HashSet<>();
    for (int i = 0; i < 50; i++) {
      Backoff b = new Backoff(1_000, 30_000, 30_000, 0, now::get);
      b.nextDelayMs();
      b.nextDelayMs();
      delays.add(b.nextDelayMs());
    }
    assertThat(delays.size()).isGreaterThan(10);
  }
}
