package com.pmsrelay.agent.exec;

/**
 * How many queries may run on the PMS database at once: a hard cap. Confined to one thread.
 * (A first version with a fixed limit; adaptive limits grow from here under the same calls.)
 */
final class ConcurrencyLimiter {
  private final int hardCap;
  private int running;

  ConcurrencyLimiter(int hardCap) {
    this.hardCap = hardCap;
  }

  boolean tryAcquire() {
    if (running >= hardCap) {
      return false;
    }
    running++;
    return true;
  }

  void release() {
    running--;
  }

  int running() {
    return running;
  }
}
