package com.pmsrelay.agent.link;

import com.pmsrelay.agent.config.AgentConfig;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * The delays between an agent's attempts to reach the cloud: a step that doubles from
 * {@code initialMs} with each attempt, and "equal jitter": each delay is half the step plus a
 * random part of the other half, so a thousand agents that lost the cloud together do not all come
 * back in the same instant, yet none waits less than half its step.
 *
 * <p>For the first {@code earlyPhaseMs} of an outage the step stops at {@code earlyMaxMs}: most
 * outages are a cloud node restarting, and an agent should be back within seconds of its return,
 * not at the end of a long step taken while it was down. Past that the step keeps doubling, up to
 * {@code maxMs}. A link that was up starts afresh ({@link #reset}).
 */
public final class Backoff {
  private final long initialMs;
  private final long maxMs;
  private final long earlyMaxMs;
  private final long earlyPhaseMs;
  /** Milliseconds on a monotonic clock. */
  private final LongSupplier clockMs;
  private long step;
  private long outageStartMs;

  public Backoff(long initialMs, long maxMs, long earlyMaxMs, long earlyPhaseMs, LongSupplier clockMs) {
    this.initialMs = initialMs;
    this.maxMs = Math.max(initialMs, maxMs);
    this.earlyMaxMs = Math.min(earlyMaxMs, this.maxMs);
    this.earlyPhaseMs = earlyPhaseMs;
    this.clockMs = clockMs;
  }

  /** The agent's configured backoff, on the system's monotonic clock. */
  public static Backoff of(AgentConfig.CloudLink link) {
    return new Backoff(link.initialDelayMs(), link.maxDelayMs(), link.earlyMaxDelayMs(), link.earlyPhaseMs(),
        () -> System.nanoTime() / 1_000_000);
  }

  public long nextDelayMs() {
    long now = clockMs.getAsLong();
    if (step == 0) {
      outageStartMs = now;
      step = initialMs;
    } else {
      step *= 2;
    }
    step = Math.min(step, now - outageStartMs < earlyPhaseMs ? earlyMaxMs : maxMs);
    long half = step / 2;
    return half + ThreadLocalRandom.current().nextLong(half + 1);
  }

  /** The link is up again: the next outage starts from the first step. */
  public void reset() {
    step = 0;
  }
}
