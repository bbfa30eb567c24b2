package com.pmsrelay.bench;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;

/** Durations in nanoseconds, kept whole, for exact percentiles (nearest rank). Thread-safe. */
final class LatencyRecorder {
  private long[] samples = new long[1024];
  private int count;

  synchronized void record(long nanos) {
    if (count == samples.length) {
      samples = Arrays.copyOf(samples, count * 2);
    }
    samples[count++] = nanos;
  }

  synchronized int count() {
    return count;
  }

  /** The {@code p}-th percentile (0..100) in nanoseconds, by nearest rank; NaN when empty. */
  synchronized double percentileNanos(double p) {
    if (count == 0) {
      return Double.NaN;
    }
    long[] sorted = Arrays.copyOf(samples, count);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * count);
    return sorted[Math.max(0, Math.min(count - 1, rank - 1))];
  }

  double percentileMicros(double p) {
    return percentileNanos(p) / 1_000.0;
  }

  double percentileMillis(double p) {
    return percentileNanos(p) / 1_000_000.0;
  }

  /** Adds every sample of {@code other} (to pool phases). */
  void addAll(LatencyRecorder other) {
    long[] copy;
    int n;
    synchronized (other) {
      copy = Arrays.copyOf(other.samples, other.count);
      n = other.count;
    }
    for (int i = 0; i < n; i++) {
      record(copy[i]);
    }
  }

  /** count, p50, p90, p99 and max, in milliseconds. */
  JsonObject millisJson() {
    return new JsonObject().put("count", count())
        .put("p50Ms", Spread.round(percentileMillis(50)))
        .put("p90Ms", Spread.round(percentileMillis(90)))
        .put("p99Ms", Spread.round(percentileMillis(99)))
        .put("maxMs", Spread.round(percentileMillis(100)));
  }
}
