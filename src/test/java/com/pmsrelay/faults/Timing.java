package com.pmsrelay.faults;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Waiting for a condition and summing up latencies, as the fault tests do. */
final class Timing {
  private Timing() {}

  /** A condition the test waits for; may throw. */
  interface Check {
    boolean holds() throws Exception;
  }

  static void awaitTrue(Duration timeout, String what, Check check) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!check.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      Thread.sleep(20);
    }
  }

  static long percentile(List<Long> values, int p) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get((int) Math.ceil(p / 100.0 * sorted.size()) - 1);
  }

  static long ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
