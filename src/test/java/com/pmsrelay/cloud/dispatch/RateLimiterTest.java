package com.pmsrelay.cloud.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

  @Test
  void aBurstIsTheConfiguredSecondsOfTheRateThenOneTokenAtATime() {
    RateLimiter limiter = new RateLimiter(5);
    int allowed = 0;
    while (limiter.take("cli_a", "p1", 6_000) == 0) { // 100 a second: a burst of 500
      allowed++;
    }
    assertThat(allowed).isBetween(500, 505); // a few may refill while the loop runs
    assertThat(limiter.take("cli_a", "p1", 6_000)).as("Retry-After seconds").isEqualTo(1);
    assertThat(limiter.take("cli_b", "p1", 6_000)).as("another integrator has its own bucket").isZero();
    assertThat(limiter.take("cli_a", "p2", 6_000)).as("and another practice").isZero();
  }

  @Test
  void slowRatesStillAllowTheirMinuteOrTenQueriesAtOnce() {
    RateLimiter limiter = new RateLimiter(5);
    assertThat(limiter.capacity(3)).isEqualTo(3);
    assertThat(limiter.capacity(60)).isEqualTo(10);
    assertThat(limiter.capacity(600)).isEqualTo(50);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.take("cli_a", "p1", 3)).isZero();
    }
    assertThat(limiter.take("cli_a", "p1", 3)).as("one token every 20 s").isBetween(19, 20);
  }

  @Test
  void aLowerRateFromAChangedGrantCutsTheBucketAtOnce() {
    RateLimiter limiter = new RateLimiter(60);
    assertThat(limiter.take("cli_a", "p1", 600)).isZero();
    int allowed = 0;
    while (limiter.take("cli_a", "p1", 12) == 0) {
      allowed++;
    }
    assertThat(allowed).isEqualTo(12);
  }

  @Test
  void burstsOutsideOneToSixtySecondsAreRefused() {
    assertThatThrownBy(() -> new RateLimiter(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimiter(61)).isInstanceOf(IllegalArgumentException.class);
  }
}
