package com.pmsrelay.cloud.monitor;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The monitor's rules over what it is told, in event time (each event's own timestamp), with no
 * I/O: what fired comes back as {@link Finding}s. Single-threaded (the monitor's context). Each
 * rule is described, with its defaults and how to tune it, in the README's "Suspicious-activity
 * monitor".
 */
final class Rules {
  static final String SQL_REJECTED = "sql_rejected";
  static final String SCOPE_DENIED = "scope_denied";

  private final MonitorConfig config;

  Rules(MonitorConfig config) {
    this.config = config;
  }

  /**
   * A query attempt by the activity's integrator: first seen, volume, hour of day, refusals. Its
   * tables come separately ({@link #tables}), once known.
   */
  List<Finding> attempt(Activity a, long atMs, String outcome, Long rows) {
    List<Finding> found = new ArrayList<>(1);
    Baseline b = a.learnt;
    if (!b.seen()) {
      b.firstSeenMs = atMs;
      a.dirty = true;
    }
    boolean refused = SQL_REJECTED.equals(outcome) || SCOPE_DENIED.equals(outcome);
    if (refused) {
      refusal(a, atMs, outcome, found);
    }
    volume(a, atMs, rows == null ? 0 : rows, found);
    offHours(a, atMs, found);
    return found;
  }

  private void volume(Activity a, long atMs, long rows, List<Finding> found) {
    MonitorConfig.Volume v = config.volume();
    long windowMs = v.windowMs();
    long start = atMs - Math.floorMod(atMs, windowMs);
    if (start != a.windowStartMs) {
      closeWindow(a);
      a.windowStartMs = start;
    }
    a.windowQueries++;
    a.windowRows += Math.max(0, rows);
    if (!v.enabled() || a.windowFired || a.learnt.learning(atMs, v.learningHours())) {
      return;
    }
    long[] peak = a.learnt.peak(atMs, v.baselineDays());
    double queryLimit = Math.max(v.minQueries(), v.factor() * peak[0]);
    double rowLimit = Math.max(v.minRows(), v.factor() * peak[1]);
    if (a.windowQueries > queryLimit || a.windowRows > rowLimit) {
      a.windowFired = true; // and this window never becomes part of the baseline
      found.add(new Finding(a.practiceId, a.subject, MonitorConfig.VOLUME, atMs, new JsonObject()
          .put("windowMinutes", v.windowMinutes())
          .put("windowStart", Instant.ofEpochMilli(a.windowStartMs).toString())
          .put("queries", a.windowQueries).put("rows", a.windowRows)
          .put("baselineQueries", peak[0]).put("baselineRows", peak[1])
          .put("baselineDays", v.baselineDays()).put("factor", v.factor())
          .put("queryLimit", (long) Math.ceil(queryLimit)).put("rowLimit", (long) Math.ceil(rowLimit))));
    }
  }

  /** Ends the open window: its figures become its day's peak, unless it fired. */
  void closeWindow(Activity a) {
    if (a.windowStartMs != Long.MIN_VALUE && !a.windowFired
        && a.learnt.recordPeak(a.windowStartMs, a.windowQueries, a.windowRows, config.volume().baselineDays())) {
      a.dirty = true;
    }
    a.windowStartMs = Long.MIN_VALUE;
    a.windowQueries = 0;
    a.windowRows = 0;
    a.windowFired = false;
  }

  /** Closes the open window if it has ended by {@code nowMs} (the monitor's periodic save). */
  void closeIfEnded(Activity a, long nowMs) {
    if (a.windowStartMs != Long.MIN_VALUE && nowMs >= a.windowStartMs + config.volume().windowMs()) {
      closeWindow(a);
    }
  }

  private void offHours(Activity a, long atMs, List<Finding> found) {
    MonitorConfig.OffHours h = config.offHours();
    int hour = Instant.ofEpochMilli(atMs).atZone(h.zone()).getHour();
    int bit = 1 << hour;
    if ((a.learnt.hours & bit) != 0) {
      return;
    }
    // No hour known yet: the subject's first hour is its first lesson, whatever the learning period.
    boolean learning = a.learnt.hours == 0 || a.learnt.learning(atMs, h.learningHours());
    a.learnt.hours |= bit; // learnt either way: a new routine alerts once
    a.dirty = true;
    if (h.enabled() && !learning) {
      JsonArray known = new JsonArray();
      for (int i = 0; i < 24; i++) {
        if ((a.learnt.hours & (1 << i)) != 0 && i != hour) {
          known.add(i);
        }
      }
      found.add(new Finding(a.practiceId, a.subject, MonitorConfig.OFF_HOURS, atMs, new JsonObject()
          .put("hour", hour).put("zone", h.zone().getId()).put("knownHours", known)
          .put("learningHours", h.learningHours())));
    }
  }

  private void refusal(Activity a, long atMs, String outcome, List<Finding> found) {
    MonitorConfig.Refusals r = config.refusals();
    if (!r.enabled()) {
      return;
    }
    if (a.refusals == null) {
      a.refusals = new Burst(r.threshold());
    }
    if (SQL_REJECTED.equals(outcome)) {
      a.recentRejected++;
    } else {
      a.recentScopeDenied++;
    }
    if (a.refusals.add(atMs, r.windowSeconds() * 1000L, r.cooldownMinutes() * 60_000L)) {
      found.add(new Finding(a.practiceId, a.subject, MonitorConfig.REFUSALS, atMs, new JsonObject()
          .put("refusals", r.threshold()).put("withinSeconds", Math.round(a.refusals.spanMs() / 100.0) / 10.0)
          .put("windowSeconds", r.windowSeconds()).put("threshold", r.threshold())
          .put("sqlRejected", a.recentRejected).put("scopeDenied", a.recentScopeDenied)));
      a.recentRejected = 0;
      a.recentScopeDenied = 0;
    }
  }

  /** The tables an attempt (allowed past the guard) read: a new one fires, once learning is over. */
  List<Finding> tables(Activity a, long atMs, Set<String> tables) {
    MonitorConfig.NewTables t = config.newTables();
    Baseline b = a.learnt;
    // Nothing read yet: the first tables are the first lesson, whatever the learning period.
    boolean learning = b.tables.isEmpty() || b.learning(atMs, t.learningHours());
    TreeSet<String> fresh = new TreeSet<>();
    boolean unremembered = false;
    for (String table : tables) {
      if (b.tables.contains(table)) {
        continue;
      }
      if (b.tables.size() < t.maxTables()) {
        b.tables.add(table);
        a.dirty = true;
      } else {
        unremembered = true;
      }
      fresh.add(table);
    }
    if (!t.enabled() || learning || fresh.isEmpty()) {
      return List.of();
    }
    if (unremembered) {
      // The set is full: tables it cannot remember would fire at every query; once an hour instead.
      if (atMs < a.quietUntilMs) {
        return List.of();
      }
      a.quietUntilMs = atMs + 3_600_000L;
    }
    return List.of(new Finding(a.practiceId, a.subject, MonitorConfig.NEW_TABLES, atMs, new JsonObject()
        .put("tables", new JsonArray(new ArrayList<>(fresh))).put("knownTables", b.tables.size() - fresh.size())
        .put("learningHours", t.learningHours())));
  }

  /**
   * A practice's agent authenticated from {@code address}: the first address is learnt, another
   * fires (and is learnt, up to the cap).
   */
  List<Finding> agentAuthenticated(Activity a, long atMs, String address) {
    MonitorConfig.AgentKey k = config.agentKey();
    Baseline b = a.learnt;
    if (address == null || b.addresses.contains(address)) {
      return List.of();
    }
    boolean first = b.addresses.isEmpty();
    if (!b.seen()) {
      b.firstSeenMs = atMs;
    }
    if (b.addresses.size() < k.maxAddresses()) {
      b.addresses.add(address);
    }
    a.dirty = true;
    if (first || !k.enabled()) {
      return List.of();
    }
    return List.of(new Finding(a.practiceId, null, MonitorConfig.AGENT_KEY, atMs, new JsonObject()
        .put("reason", "new_address").put("address", address).put("knownAddresses", b.addresses.size() - 1)));
  }

  /**
   * A practice's agent connection was taken over by a newer one. A different run of the agent
   * (another boot id) while the old connection was heard from within {@code liveWithinSeconds} is
   * a second agent holding the key; the same run reconnecting, or a silent old link, is not.
   */
  List<Finding> agentTakenOver(Activity a, long atMs, String oldAddress, String oldBootId, long oldHeardAgoMs,
      String newAddress, String newBootId) {
    MonitorConfig.AgentKey k = config.agentKey();
    if (!k.enabled() || oldBootId == null || newBootId == null || oldBootId.equals(newBootId)
        || oldHeardAgoMs > k.liveWithinSeconds() * 1000L || atMs < a.quietUntilMs) {
      return List.of();
    }
    a.quietUntilMs = atMs + k.cooldownMinutes() * 60_000L;
    return List.of(new Finding(a.practiceId, null, MonitorConfig.AGENT_KEY, atMs, new JsonObject()
        .put("reason", "second_connection").put("address", newAddress).put("otherAddress", oldAddress)
        .put("otherHeardSecondsAgo", Math.round(oldHeardAgoMs / 100.0) / 10.0)
        .put("liveWithinSeconds", k.liveWithinSeconds())));
  }
}
