package com.pmsrelay.bench;

import java.lang.management.ManagementFactory;

/**
 * This JVM's CPU time and allocated bytes so far, to charge a block of work with what it cost.
 * Allocation is summed over the threads alive at each reading (HotSpot counts per thread), so a
 * thread that ends inside a block takes its bytes with it: the harness's threads live for the run.
 */
record ProcessProbe(long cpuNanos, long allocatedBytes, long wallNanos) {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  static ProcessProbe now() {
    return new ProcessProbe(MachineInfo.processCpuNanos(), allocatedSoFar(), System.nanoTime());
  }

  /** What was spent from {@code this} reading to now. */
  ProcessProbe spentSince() {
    ProcessProbe now = now();
    return new ProcessProbe(now.cpuNanos - cpuNanos, now.allocatedBytes - allocatedBytes, now.wallNanos - wallNanos);
  }

  private static long allocatedSoFar() {
    long[] ids = THREADS.getAllThreadIds();
    long sum = 0;
    for (long bytes : THREADS.getThreadAllocatedBytes(ids)) {
      if (bytes > 0) {
        sum += bytes;
      }
    }
    return sum;
  }
}
