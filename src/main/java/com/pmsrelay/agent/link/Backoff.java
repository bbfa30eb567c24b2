package com.pmsrelay.agent.link;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with "equal jitter": the n-th delay is half of min(cap, base * 2^n)
 * plus a random part of the other half, so a thousand agents that lost the cloud together do not
 * all come back in the same instant, yet none waits less than half its step.
 */
public final class Backoff {
  private final long initialMs;
  private final long maxMs;
  private int attempt;

  public Backoff(long initialMs, long maxMs) {
    this.initialMs = initialMs;
    this.maxMs = Math.max(initialMs, maxMs);
  }

  public long nextDelayMs() {
    long step = Math.min(maxMs, initialMs << Math.min(attempt, 30));
    attempt++;
    long half = step / 2;
    return half + ThreadLocalRandom.current().nextLong(half + 1);
  }

  public void reset() {
    attempt = 0;
  }
}
