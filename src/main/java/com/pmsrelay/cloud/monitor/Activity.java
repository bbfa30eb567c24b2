package com.pmsrelay.cloud.monitor;

import java.util.ArrayList;
import java.util.List;

/**
 * One integrator at one practice (or one practice's agent) as the monitor follows it: what it has
 * learnt ({@link Baseline}, stored), and the windows it keeps in memory only (this window's count,
 * the recent refusals). Confined to the monitor's context; its size is bounded by the settings.
 */
final class Activity {
  /** Events that may wait for the stored baseline to load, beyond which they are dropped. */
  static final int MAX_WAITING = 1_000;

  final String practiceId;
  /** The integrator's client id, or {@code BaselineStore.AGENT} for the practice's agent. */
  final String subject;
  final Baseline learnt = new Baseline();
  /** Whether the stored baseline has been read (events wait until then). */
  boolean loaded;
  /** Events that arrived before it was: run once it is. */
  final List<Runnable> waiting = new ArrayList<>();
  /** Learnt something not yet stored. */
  boolean dirty;
  /** When the monitor last saw the subject (wall clock): idle ones are let go. */
  long touchedMs;

  /** The open volume window: its start, its figures, and whether it has fired (then it never becomes a baseline). */
  long windowStartMs = Long.MIN_VALUE;
  long windowQueries;
  long windowRows;
  boolean windowFired;

  /** Recent refusals ({@code sql_rejected}, {@code scope_denied}); null until the first. */
  Burst refusals;
  int recentRejected;
  int recentScopeDenied;
  /** The cooldown of an agent's second connection, and of new tables once their set is full. */
  long quietUntilMs = Long.MIN_VALUE;

  Activity(String practiceId, String subject) {
    this.practiceId = practiceId;
    this.subject = subject;
  }

  String key() {
    return key(practiceId, subject);
  }

  static String key(String practiceId, String subject) {
    return practiceId + "/" + subject;
  }
}
