package com.pmsrelay.cloud.monitor;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the monitor has learnt of one integrator at one practice (or of the practice's agent): when
 * it was first seen, the hours of the day it has been active, the tables it has read, the busiest
 * window of each recent day, the agent's addresses. Every part merges without loss or order
 * (earliest, union, maximum), so nodes that each saw part of the traffic can add theirs to the
 * stored one in any order. Bounded: at most the configured tables, days and addresses. Confined to
 * the monitor's context.
 */
final class Baseline {
  static final long DAY_MS = 86_400_000L;

  /** When the subject was first seen (ms), or {@link Long#MAX_VALUE}: never. */
  long firstSeenMs = Long.MAX_VALUE;
  /** Bit h set: active at hour h of the day. */
  int hours;
  final TreeSet<String> tables = new TreeSet<>();
  /** Day (ms / {@link #DAY_MS}) → {queries, rows} of that day's busiest closed window. */
  final TreeMap<Long, long[]> peaks = new TreeMap<>();
  final TreeSet<String> addresses = new TreeSet<>();

  boolean seen() {
    return firstSeenMs != Long.MAX_VALUE;
  }

  /** Whether {@code atMs} still falls in the learning period that began when the subject was first seen. */
  boolean learning(long atMs, int learningHours) {
    return !seen() || atMs < firstSeenMs + learningHours * 3_600_000L;
  }

  /** Notes a window's figures as its day's peak if higher; keeps the newest {@code days} days. */
  boolean recordPeak(long windowStartMs, long queries, long rows, int days) {
    long day = windowStartMs / DAY_MS;
    long[] peak = peaks.computeIfAbsent(day, d -> new long[2]);
    boolean changed = queries > peak[0] || rows > peak[1];
    peak[0] = Math.max(peak[0], queries);
    peak[1] = Math.max(peak[1], rows);
    trimDays(days);
    return changed;
  }

  /** The busiest window's {queries, rows} over the days kept (each figure its own maximum). */
  long[] peak(long nowMs, int days) {
    long first = nowMs / DAY_MS - days + 1;
    long[] max = new long[2];
    for (Map.Entry<Long, long[]> e : peaks.tailMap(first).entrySet()) {
      max[0] = Math.max(max[0], e.getValue()[0]);
      max[1] = Math.max(max[1], e.getValue()[1]);
    }
    return max;
  }

  private void trimDays(int days) {
    while (peaks.size() > days) {
      peaks.pollFirstEntry();
    }
  }

  /** Adds what {@code other} knows; answers whether anything was new here. */
  boolean mergeFrom(Baseline other, int maxTables, int days, int maxAddresses) {
    boolean changed = false;
    if (other.firstSeenMs < firstSeenMs) {
      firstSeenMs = other.firstSeenMs;
      changed = true;
    }
    if ((hours | other.hours) != hours) {
      hours |= other.hours;
      changed = true;
    }
    for (String t : other.tables) {
      if (tables.size() < maxTables && tables.add(t)) {
        changed = true;
      }
    }
    for (Map.Entry<Long, long[]> e : other.peaks.entrySet()) {
      long[] mine = peaks.computeIfAbsent(e.getKey(), d -> new long[2]);
      if (e.getValue()[0] > mine[0] || e.getValue()[1] > mine[1]) {
        mine[0] = Math.max(mine[0], e.getValue()[0]);
        mine[1] = Math.max(mine[1], e.getValue()[1]);
        changed = true;
      }
    }
    trimDays(days);
    for (String a : other.addresses) {
      if (addresses.size() < maxAddresses && addresses.add(a)) {
        changed = true;
      }
    }
    return changed;
  }

  /** The stored form: short keys, a few hundred bytes. */
  String encode() {
    JsonObject json = new JsonObject();
    if (seen()) {
      json.put("f", firstSeenMs);
    }
    json.put("h", hours);
    if (!tables.isEmpty()) {
      json.put("t", new JsonArray(new java.util.ArrayList<>(tables)));
    }
    if (!peaks.isEmpty()) {
      JsonArray days = new JsonArray();
      peaks.forEach((day, p) -> days.add(new JsonArray().add(day).add(p[0]).add(p[1])));
      json.put("d", days);
    }
    if (!addresses.isEmpty()) {
      json.put("a", new JsonArray(new java.util.ArrayList<>(addresses)));
    }
    return json.encode();
  }

  /** The baseline a stored text describes; an empty one for null or for text it cannot read. */
  static Baseline decode(String text) {
    Baseline b = new Baseline();
    if (text == null) {
      return b;
    }
    try {
      JsonObject json = new JsonObject(text);
      b.firstSeenMs = json.getLong("f", Long.MAX_VALUE);
      b.hours = json.getInteger("h", 0) & 0xFFFFFF;
      json.getJsonArray("t", new JsonArray()).forEach(t -> b.tables.add(String.valueOf(t)));
      json.getJsonArray("d", new JsonArray()).forEach(d -> {
        JsonArray day = (JsonArray) d;
        b.peaks.put(day.getLong(0), new long[] {day.getLong(1), day.getLong(2)});
      });
      json.getJsonArray("a", new JsonArray()).forEach(a -> b.addresses.add(String.valueOf(a)));
    } catch (RuntimeException e) {
      return new Baseline(); // a row we cannot read is learnt again rather than stopping the monitor
    }
    return b;
  }
}
