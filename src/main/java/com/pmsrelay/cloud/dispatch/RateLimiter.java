package com.pmsrelay.cloud.dispatch;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Per-integrator, per-practice token buckets, checked at the cloud before a query travels. A
 * bucket refills continuously at the grant's {@code ratePerMinute} and holds a burst of
 * {@code burstSeconds}' worth of it, but never less than {@value #MIN_BURST} queries or the whole
 * minute's allowance, whichever is smaller (so a grant of 3 a minute still allows 3 at once). A
 * burst of a full minute let a flooding integrator push thousands of queries to the practice's
 * queue at once, only to be refused there. Buckets idle for long are dropped. Counted per cloud node:
 * one limiter serves all of the node's HTTP API instances (one each would multiply a grant's rate
 * by their number), so it is safe to call from any thread.
 */
public final class RateLimiter {
  private static final long IDLE_NANOS = TimeUnit.MINUTES.toNanos(10);
  private static final long EVICT_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
  static final int MIN_BURST = 10;

  private static final class Bucket {
    double tokens;
    long refilledAt;
    int perMinute;
  }

  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final int burstSeconds;
  /** When a take next sweeps out idle buckets: no timer of its own to outlive the node. */
  private final java.util.concurrent.atomic.AtomicLong nextEviction =
      new java.util.concurrent.atomic.AtomicLong(System.nanoTime() + EVICT_EVERY_NANOS);

  public RateLimiter(int burstSeconds) {
    if (burstSeconds < 1 || burstSeconds > 60) {
      throw new IllegalArgumentException("burstSeconds must be 1..60");
    }
    this.burstSeconds = burstSeconds;
  }

  /** How many tokens a bucket of this rate holds at most. */
  double capacity(int perMinute) {
    return Math.max(perMinute * burstSeconds / 60.0, Math.min(perMinute, MIN_BURST));
  }

  /** Takes one token; returns 0 if allowed, else the whole seconds until a token is available. */
  public int take(String clientId, String practiceId, int perMinute) {
    long now = System.nanoTime();
    long due = nextEviction.get();
    if (now - due >= 0 && nextEviction.compareAndSet(due, now + EVICT_EVERY_NANOS)) {
      evictIdle(); // one caller a minute
    }
    Bucket bucket = buckets.computeIfAbsent(clientId + "/" + practiceId, k -> {
      Bucket b = new Bucket();
      b.tokens = capacity(perMinute);
      b.refilledAt = now;
      b.perMinute = perMinute;
      return b;
    });
    synchronized (bucket) {
      if (bucket.perMinute != perMinute) {
        bucket.perMinute = perMinute; // the grant changed
        bucket.tokens = Math.min(bucket.tokens, capacity(perMinute));
      }
      double perNano = perMinute / (double) TimeUnit.MINUTES.toNanos(1);
      bucket.tokens = Math.min(capacity(perMinute), bucket.tokens + (now - bucket.refilledAt) * perNano);
      bucket.refilledAt = now;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return (int) Math.max(1, Math.ceil((1 - bucket.tokens) / perNano / TimeUnit.SECONDS.toNanos(1)));
    }
  }

  /** Drops buckets untouched for ten minutes (they would be full again anyway). */
  public void evictIdle() {
    long now = System.nanoTime();
    buckets.values().removeIf(b -> {
      synchronized (b) {
        return now - b.refilledAt > IDLE_NANOS;
      }
    });
  }
}
