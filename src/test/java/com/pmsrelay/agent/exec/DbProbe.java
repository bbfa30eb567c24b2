package com.pmsrelay.agent.exec;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A function installed in the test database (H2 {@code CREATE ALIAS}): it runs inside the
 * database's execution of a statement, so what it counts is the concurrency the database sees,
 * not what the agent believes it allowed.
 */
public final class DbProbe {
  static final AtomicInteger CURRENT = new AtomicInteger();
  static final AtomicInteger MAX = new AtomicInteger();
  static final AtomicInteger CALLS = new AtomicInteger();

  private DbProbe() {}

  static void reset() {
    CURRENT.set(0);
    MAX.set(0);
    CALLS.set(0);
  }

  /** Holds a database worker for {@code millis}; returns {@code tag}. */
  public static int hold(int millis, int tag) throws InterruptedException {
    CALLS.incrementAndGet();
    int now = CURRENT.incrementAndGet();
    MAX.accumulateAndGet(now, Math::max);
    try {
      Thread.sleep(millis);
      return tag;
    } finally {
      CURRENT.decrementAndGet();
    }
  }
}
