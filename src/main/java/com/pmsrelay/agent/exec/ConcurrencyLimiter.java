package com.pmsrelay.agent.exec;

/**
 * How many queries may run on the PMS database at once: an adaptive limit under a hard cap, after
 * the gradient algorithm of Netflix's concurrency-limits (Gradient2).
 *
 * <p>Each finished query gives a latency sample (time for the database to start answering). Two
 * exponentially weighted averages follow it: a short one (the last few queries) and a long one
 * (about the last {@value #LONG_WINDOW} queries, the database's baseline). Their ratio is the
 * gradient: {@code gradient = clamp(TOLERANCE * long / short, 0.5, 1)} and the new limit is
 * {@code limit * gradient + }{@value #ALLOWANCE}, smoothed ({@value #SMOOTHING}) so one slow query
 * does not halve it, and kept within 1 and the hard cap. While the database answers as fast as its
 * baseline the gradient is 1 and the limit climbs back to the cap (about one slot per five
 * queries); when it slows down (short above {@code TOLERANCE} times long) the limit falls towards
 * {@code 2 * ALLOWANCE}. (Gradient2's allowance is 4; ours is smaller because practice databases
 * get caps of a handful.) A time-out counts as a sample at its full duration. The long average
 * follows a permanently slower database, which becomes the new baseline; when the database
 * recovers, a baseline left far above the short average decays quickly, as in Gradient2.
 *
 * <p>Confined to one thread.
 */
final class ConcurrencyLimiter {
  static final double TOLERANCE = 1.5;
  static final int SHORT_WINDOW = 10;
  static final int LONG_WINDOW = 500;
  static final double SMOOTHING = 0.2;
  static final double ALLOWANCE = 1.0;

  private final int hardCap;
  private double limit;
  private double shortRtt;
  private double longRtt;
  private int running;

  ConcurrencyLimiter(int hardCap) {
    this.hardCap = hardCap;
    this.limit = hardCap;
  }

  boolean tryAcquire() {
    if (running >= currentLimit()) {
      return false;
    }
    running++;
    return true;
  }

  /** Frees a slot; {@code latencyNanos} is the sample, or negative when there is none (refused early). */
  void release(long latencyNanos) {
    running--;
    if (latencyNanos > 0) {
      sample(latencyNanos);
    }
  }

  private void sample(double rtt) {
    if (longRtt == 0) {
      shortRtt = rtt;
      longRtt = rtt;
      return;
    }
    shortRtt += (rtt - shortRtt) / SHORT_WINDOW;
    longRtt += (rtt - longRtt) / LONG_WINDOW;
    if (longRtt > 2 * shortRtt) {
      longRtt *= 0.95; // recovered: do not keep judging by the slow days' baseline
    }
    double gradient = Math.max(0.5, Math.min(1.0, TOLERANCE * longRtt / shortRtt));
    double next = limit * gradient + ALLOWANCE;
    limit = Math.max(1, Math.min(hardCap, limit * (1 - SMOOTHING) + next * SMOOTHING));
  }

  int currentLimit() {
    return Math.max(1, (int) Math.floor(limit));
  }

  int running() {
    return running;
  }

  int hardCap() {
    return hardCap;
  }
}
