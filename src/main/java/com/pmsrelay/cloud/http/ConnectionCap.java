package com.pmsrelay.cloud.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many connections each client address holds open at this node, over every instance of the
 * API (each on its own event loop, hence the concurrent map): one address may hold at most
 * {@code max}; the next is refused. A refusal is logged at most once a minute per address, and
 * the memory of which addresses were logged is bounded, so a flood of refusals cannot flood the log.
 */
public final class ConnectionCap {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionCap.class);
  static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
  /** Addresses remembered as logged; past this, those logged over a minute ago are forgotten. */
  static final int MAX_LOGGED_ADDRESSES = 10_000;

  private final int max;
  private final LongSupplier nanoTime;
  private final int maxLogged;
  private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
  /** When each refused address was last logged, and how many refusals since (not logged). */
  private final ConcurrentHashMap<String, long[]> logged = new ConcurrentHashMap<>();

  public ConnectionCap(int max) {
    this(max, System::nanoTime);
  }

  ConnectionCap(int max, LongSupplier nanoTime) {
    this(max, nanoTime, MAX_LOGGED_ADDRESSES);
  }

  ConnectionCap(int max, LongSupplier nanoTime, int maxLogged) {
    this.max = max;
    this.nanoTime = nanoTime;
    this.maxLogged = maxLogged;
  }

  /** Counts a new connection from {@code address}, or refuses it (false, counted nowhere) when it holds the most already. */
  public boolean admit(String address) {
    boolean[] admitted = new boolean[1];
    open.compute(address, (a, count) -> {
      int held = count == null ? 0 : count;
      admitted[0] = held < max;
      return admitted[0] ? held + 1 : count;
    });
    if (!admitted[0]) {
      refused(address);
    }
    return admitted[0];
  }

  /** An admitted connection from {@code address} closed. */
  public void release(String address) {
    open.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
  }

  /** Connections {@code address} holds now. */
  public int held(String address) {
    return open.getOrDefault(address, 0);
  }

  /** Addresses holding at least one connection (what the map keeps: it empties as connections close). */
  int addresses() {
    return open.size();
  }

  private void refused(String address) {
    long now = nanoTime.getAsLong();
    if (logged.size() >= maxLogged && !logged.containsKey(address)) {
      logged.values().removeIf(entry -> now - entry[0] >= LOG_INTERVAL_NANOS);
      if (logged.size() >= maxLogged) {
        return; // that many addresses refused within a minute: the lines already written say enough
      }
    }
    long[] unlogged = {-1};
    logged.compute(address, (a, entry) -> {
      if (entry == null || now - entry[0] >= LOG_INTERVAL_NANOS) {
        unlogged[0] = entry == null ? 0 : entry[1];
        return new long[] {now, 0};
      }
      entry[1]++;
      return entry;
    });
    if (unlogged[0] >= 0) {
      LOG.warn("refused a connection from {}: it holds {} already (http.maxConnectionsPerAddress); {} more refused "
          + "since the last line about it; for a minute its refusals are counted, not logged", address, max, unlogged[0]);
    }
  }
}
