package com.pmsrelay.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.TreeMap;

/**
 * One integrator's traffic for one block, closed-loop: {@code concurrency} queries outstanding,
 * each answer sending the next, until {@code maxQueries} were sent or {@code maxMillis} passed; then
 * the outstanding ones are awaited (each answered or ended by the client's time-out). Bounded in
 * count and time. Queries are numbered 0, 1, ... in the order sent. Runs on one event loop.
 */
final class ClosedLoopLoad {
  /** The block's 200s with their latencies, the other answers' count, and those answers by outcome. */
  record Result(AlternatingPairs.Run run, Map<String, Integer> failures) {}

  private ClosedLoopLoad() {}

  static Future<Result> run(Vertx vertx, QueryTarget target, int concurrency, int maxQueries, long maxMillis) {
    Promise<Result> done = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> new Sender(target, concurrency, maxQueries, maxMillis, done).start());
    return done.future();
  }

  /** State of one run, confined to its event loop. */
  private static final class Sender {
    private final QueryTarget target;
    private final int concurrency;
    private final int maxQueries;
    private final long maxNanos;
    private final Promise<Result> done;
    private final LatencyRecorder latency = new LatencyRecorder();
    private final Map<String, Integer> failures = new TreeMap<>();
    private long start;
    private int sent;
    private int inFlight;
    private long ok;

    Sender(QueryTarget target, int concurrency, int maxQueries, long maxMillis, Promise<Result> done) {
      this.target = target;
      this.concurrency = concurrency;
      this.maxQueries = maxQueries;
      this.maxNanos = maxMillis * 1_000_000;
      this.done = done;
    }

    void start() {
      start = System.nanoTime();
      for (int i = 0; i < concurrency; i++) {
        sendNext();
      }
      finishIfIdle();
    }

    private void sendNext() {
      if (sent == maxQueries || System.nanoTime() - start >= maxNanos) {
        return;
      }
      long sentAt = System.nanoTime();
      inFlight++;
      target.send(sent++).onComplete(answer -> {
        long nanos = System.nanoTime() - sentAt;
        Answer a = answer.succeeded() ? answer.result() : Answer.of("client_error");
        if (a.ok()) {
          ok++;
          latency.record(nanos);
        } else {
          failures.merge(a.outcome(), 1, Integer::sum);
        }
        inFlight--;
        sendNext();
        finishIfIdle();
      });
    }

    private void finishIfIdle() {
      if (inFlight == 0) {
        long failed = failures.values().stream().mapToLong(Integer::longValue).sum();
        done.tryComplete(new Result(new AlternatingPairs.Run(ok, failed, latency, null), failures));
      }
    }
  }
}
