package com.pmsrelay.cloud.dispatch;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Per-integrator, per-practice token buckets, checked at the cloud before a query travels: the
 * bucket holds up to one minute's allowance (the grant's {@code ratePerMinute}, so bursts are
 * allowed) and refills continuously. Buckets idle for long are dropped. Counted per cloud node.
 */
public final class RateLimiter {
  private static final long IDLE_NANOS = TimeUnit.MINUTES.toNanos(10);

  private static final class Bucket {
    double tokens;
    long refilledAt;
    int perMinute;
  }

  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  /** Takes one token; returns 0 if allowed, else the whole seconds until a token is available. */
  public int take(String clientId, String practiceId, int perMinute) {
    long now = System.nanoTime();
    Bucket bucket = buckets.computeIfAbsent(clientId + "/" + practiceId, k -> {
      Bucket b = new Bucket();
      b.tokens = perMinute;
      b.refilledAt = now;
      b.perMinute = perMinute;
      return b;
    });
    synchronized (bucket) {
      if (bucket.perMinute != perMinute) {
        bucket.perMinute = perMinute; // the grant changed
        bucket.tokens = Math.min(bucket.tokens, perMinute);
      }
      double perNano = perMinute / (double) TimeUnit.MINUTES.toNanos(1);
      bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.refilledAt) * perNano);
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
