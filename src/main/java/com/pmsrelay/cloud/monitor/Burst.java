package com.pmsrelay.cloud.monitor;

/**
 * Counts events in a sliding window with a ring of the last {@code threshold} event times: the
 * burst is there when the ring is full and its oldest time is within the window. Memory is the
 * threshold's, whatever the rate. After it fires it stays quiet for the cooldown.
 */
final class Burst {
  private final long[] times;
  private int next;
  private int count;
  private long quietUntilMs = Long.MIN_VALUE;
  private long spanMs;

  Burst(int threshold) {
    this.times = new long[threshold];
  }

  /**
   * Notes an event at {@code atMs}; true if it completes a burst of {@code threshold} events within
   * {@code windowMs} outside the cooldown, which then begins.
   */
  boolean add(long atMs, long windowMs, long cooldownMs) {
    times[next] = atMs;
    next = (next + 1) % times.length;
    count = Math.min(count + 1, times.length);
    if (count < times.length || atMs < quietUntilMs) {
      return false;
    }
    long oldest = times[next]; // the ring is full: the slot to be overwritten next is the oldest
    if (atMs - oldest > windowMs) {
      return false;
    }
    quietUntilMs = atMs + cooldownMs;
    spanMs = atMs - oldest;
    return true;
  }

  /** How long the last burst took, from its first event to its last. */
  long spanMs() {
    return spanMs;
  }
}
