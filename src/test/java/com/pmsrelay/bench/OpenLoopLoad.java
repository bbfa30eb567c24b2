package com.pmsrelay.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * One integrator's traffic for one phase, open-loop: query {@code i} is due at
 * {@code start + i / rate} whether or not earlier ones were answered (as independent users
 * arrive), so a slow answer never slows the offered load. A 1 ms timer on one event loop sends
 * whatever is due. The phase ends when the last query was sent and every query was answered or
 * hit the client's time-out: bounded in count ({@code rate * duration}) and in time.
 */
final class OpenLoopLoad {
  private OpenLoopLoad() {}

  static Future<Outcomes> run(Vertx vertx, QueryTarget target, double ratePerSecond, long durationMs) {
    Outcomes outcomes = new Outcomes();
    int total = (int) Math.round(ratePerSecond * durationMs / 1000.0);
    Promise<Outcomes> done = Promise.promise();
    if (total == 0) {
      done.complete(outcomes);
      return done.future();
    }
    vertx.getOrCreateContext().runOnContext(v -> new Sender(vertx, target, ratePerSecond, total, outcomes, done).start());
    return done.future();
  }

  /** State of one run, confined to its event loop. */
  private static final class Sender {
    private final Vertx vertx;
    private final QueryTarget target;
    private final double nanosPerQuery;
    private final int total;
    private final Outcomes outcomes;
    private final Promise<Outcomes> done;
    private long start;
    private int sent;
    private int inFlight;
    private long timer;

    Sender(Vertx vertx, QueryTarget target, double rate, int total, Outcomes outcomes, Promise<Outcomes> done) {
      this.vertx = vertx;
      this.target = target;
      this.nanosPerQuery = 1e9 / rate;
      this.total = total;
      this.outcomes = outcomes;
      this.done = done;
    }

    void start() {
      start = System.nanoTime();
      timer = vertx.setPeriodic(1, id -> tick());
      tick();
    }

    private void tick() {
      long now = System.nanoTime();
      long due = Math.min(total, (long) Math.floor((now - start) / nanosPerQuery) + 1);
      while (sent < due) {
        send(sent, start + (long) (sent * nanosPerQuery));
        sent++;
      }
      if (sent == total) {
        vertx.cancelTimer(timer);
        finishIfIdle();
      }
    }

    private void send(int i, long scheduledAt) {
      long sentAt = System.nanoTime();
      outcomes.sent(sentAt - scheduledAt);
      inFlight++;
      target.send(i).onComplete(answer -> {
        outcomes.answered(answer.succeeded() ? answer.result() : Answer.of("client_error"), System.nanoTime() - sentAt);
        inFlight--;
        finishIfIdle();
      });
    }

    private void finishIfIdle() {
      if (sent == total && inFlight == 0) {
        done.tryComplete(outcomes);
      }
    }
  }
}
