package com.pmsrelay.e2e;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The live heap of this JVM, sampled after a full collection every {@code intervalMs} on its own
 * thread: {@link #growthBytes()} is the most it held above what it held when the watch started.
 */
final class HeapWatch implements AutoCloseable {
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final long baseline;
  private final Thread sampler;
  private volatile long max;
  private volatile boolean stopped;

  HeapWatch(long intervalMs) {
    baseline = live();
    max = baseline;
    sampler = new Thread(() -> {
      while (!stopped) {
        try {
          Thread.sleep(intervalMs);
        } catch (InterruptedException e) {
          return;
        }
        max = Math.max(max, live());
      }
    }, "heap-watch");
    sampler.setDaemon(true);
    sampler.start();
  }

  private long live() {
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  long growthBytes() {
    return Math.max(0, max - baseline);
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    sampler.interrupt();
    sampler.join();
  }
}
