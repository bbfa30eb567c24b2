package com.pmsrelay.bench;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The benchmark database's {@code HOLD(millis, tag)} function (H2 {@code CREATE ALIAS}). It runs
 * inside the database's execution of a statement, so it counts the concurrency the database really
 * sees, overall and per tag (0: integrator B, 1: integrator A), and stands for a query that keeps
 * the server busy for {@code millis}.
 */
public final class DbHold {
  static final int TAGS = 2;
  static final AtomicInteger CURRENT = new AtomicInteger();
  static final AtomicInteger MAX = new AtomicInteger();
  static final AtomicInteger CALLS = new AtomicInteger();
  static final AtomicIntegerArray CURRENT_BY_TAG = new AtomicIntegerArray(TAGS);
  static final AtomicIntegerArray MAX_BY_TAG = new AtomicIntegerArray(TAGS);

  private DbHold() {}

  static void reset() {
    CURRENT.set(0);
    MAX.set(0);
    CALLS.set(0);
    for (int i = 0; i < TAGS; i++) {
      CURRENT_BY_TAG.set(i, 0);
      MAX_BY_TAG.set(i, 0);
    }
  }

  /** Holds the calling database thread for {@code millis}; returns {@code tag}. */
  public static int hold(int millis, int tag) throws InterruptedException {
    CALLS.incrementAndGet();
    int now = CURRENT.incrementAndGet();
    MAX.accumulateAndGet(now, Math::max);
    int slot = Math.floorMod(tag, TAGS);
    MAX_BY_TAG.accumulateAndGet(slot, CURRENT_BY_TAG.incrementAndGet(slot), Math::max);
    try {
      Thread.sleep(millis);
      return tag;
    } finally {
      CURRENT_BY_TAG.decrementAndGet(slot);
      CURRENT.decrementAndGet();
    }
  }
}
