package com.pmsrelay.cloud.store;

import io.vertx.core.Future;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A small read-through cache for control-plane rows read on every request (grants, integrators).
 * Writes through this node evict at once; changes made elsewhere evict through the change feed
 * (within a quarter of a second); the time-to-live bounds staleness if a notice were ever missed.
 */
final class ReadCache<K, V> {
  private record Entry<V>(V value, long loadedAtNanos) {}

  private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
  /**
   * Counts invalidations: a value loaded while one happened may predate the change, so it is
   * returned to its caller but not kept.
   */
  private final java.util.concurrent.atomic.AtomicLong invalidations = new java.util.concurrent.atomic.AtomicLong();
  private final long ttlNanos;
  private final int maxEntries;

  ReadCache(long ttlMillis, int maxEntries) {
    this.ttlNanos = ttlMillis * 1_000_000;
    this.maxEntries = maxEntries;
  }

  Future<V> get(K key, Supplier<Future<V>> loader) {
    Entry<V> hit = entries.get(key);
    long now = System.nanoTime();
    if (hit != null && now - hit.loadedAtNanos() < ttlNanos) {
      return Future.succeededFuture(hit.value());
    }
    long before = invalidations.get();
    return loader.get().onSuccess(value -> {
      if (entries.size() >= maxEntries) {
        entries.clear(); // rare: a simple bound beats an eviction policy here
      }
      entries.put(key, new Entry<>(value, now));
      if (invalidations.get() != before) {
        entries.remove(key);
      }
    });
  }

  void invalidate(K key) {
    invalidations.incrementAndGet();
    entries.remove(key);
  }

  void clear() {
    invalidations.incrementAndGet();
    entries.clear();
  }
}
