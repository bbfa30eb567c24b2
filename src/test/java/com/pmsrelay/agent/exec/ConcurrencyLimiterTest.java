package com.pmsrelay.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConcurrencyLimiterTest {
  private static void samples(ConcurrencyLimiter limiter, int n, long latencyMs) {
    for (int i = 0; i < n; i++) {
      assertThat(limiter.tryAcquire()).isTrue();
      limiter.release(TimeUnit.MILLISECONDS.toNanos(latencyMs));
    }
  }

  @Test
  void neverAdmitsMoreThanTheLimit() {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter(4);
    for (int i = 0; i < 4; i++) {
      assertThat(limiter.tryAcquire()).isTrue();
    }
    assertThat(limiter.tryAcquire()).isFalse();
    limiter.release(-1);
    assertThat(limiter.tryAcquire()).isTrue();
  }

  @Test
  void shrinksWhenTheDatabaseSlowsAndGrowsBackWhenItRecovers() {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter(8);
    samples(limiter, 200, 10);
    assertThat(limiter.currentLimit()).isEqualTo(8);
    samples(limiter, 40, 80);
    int slowed = limiter.currentLimit();
    assertThat(slowed).isLessThanOrEqualTo(4);
    samples(limiter, 200, 10);
    assertThat(limiter.currentLimit()).isEqualTo(8);
  }

  @Test
  void staysWithinOneAndTheHardCap() {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter(3);
    samples(limiter, 50, 1);
    samples(limiter, 500, 5_000);
    assertThat(limiter.currentLimit()).isBetween(1, 3);
    samples(limiter, 1000, 1);
    assertThat(limiter.currentLimit()).isEqualTo(3);
  }
}
