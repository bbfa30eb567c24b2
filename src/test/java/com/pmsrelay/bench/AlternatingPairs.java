package com.pmsrelay.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The harness's way of comparing a candidate B with its baseline A on a noisy machine: after a
 * warm-up of each, blocks of A and B alternate (A B, B A, A B, … so neither always runs first),
 * each block charged with the process's CPU time and allocated bytes ({@link ProcessProbe}); a
 * figure is the per-pair ratio B/A, reported as the median over pairs with its range.
 */
final class AlternatingPairs {
  /** One block of work: run it and say how many operations were done and how long each took. */
  interface Block {
    Run run() throws Exception;

    /** Untimed, before each run: for example waiting until a server is back at rest, or minting the fresh tokens the run will use. */
    default void before() throws Exception {}

    /** Untimed, after each run: for example checking its outcome at the server, closing connections. */
    default void after() throws Exception {}
  }

  /** What a block did: operations completed (and failed), their latencies, what they cost. */
  record Run(long operations, long failures, LatencyRecorder latency, ProcessProbe spent) {
    double perSecond() {
      return operations * 1e9 / spent.wallNanos();
    }

    double cpuMicrosPerOp() {
      return operations == 0 ? Double.NaN : spent.cpuNanos() / 1_000.0 / operations;
    }

    double allocatedBytesPerOp() {
      return operations == 0 ? Double.NaN : (double) spent.allocatedBytes() / operations;
    }

    /** The block's {@code p}-th latency percentile in µs; NaN when it recorded none. */
    double percentileMicros(double p) {
      return latency == null ? Double.NaN : latency.percentileMicros(p);
    }

    JsonObject toJson() {
      JsonObject json = new JsonObject().put("operations", operations).put("failures", failures)
          .put("wallMs", Spread.round(spent.wallNanos() / 1e6)).put("perSecond", Spread.round(perSecond()))
          .put("cpuUsPerOp", Spread.round(cpuMicrosPerOp())).put("allocatedBytesPerOp", Spread.round(allocatedBytesPerOp()));
      if (latency != null && latency.count() > 0) {
        json.put("p50Us", Spread.round(latency.percentileMicros(50))).put("p90Us", Spread.round(latency.percentileMicros(90)))
            .put("p99Us", Spread.round(latency.percentileMicros(99)));
      }
      return json;
    }
  }

  /** One baseline block and the candidate block beside it. */
  record Pair(Run baseline, Run candidate) {}

  private AlternatingPairs() {}

  /** Runs {@code warmups} blocks of each, then {@code pairs} pairs, alternating which goes first. */
  static List<Pair> measure(Block baseline, Block candidate, int warmups, int pairs) throws Exception {
    return measure(baseline, candidate, warmups, pairs, Long.MAX_VALUE);
  }

  /**
   * The same, but after the first pair starts none that would end after {@code deadlineNanos}
   * ({@link System#nanoTime}, judged by the longest pair so far): fewer pairs rather than an overrun
   * of the time budget.
   */
  static List<Pair> measure(Block baseline, Block candidate, int warmups, int pairs, long deadlineNanos)
      throws Exception {
    for (int i = 0; i < warmups; i++) {
      warmUp(baseline);
      warmUp(candidate);
    }
    List<Pair> result = new ArrayList<>();
    long longest = 0;
    for (int i = 0; i < pairs; i++) {
      long started = System.nanoTime();
      if (i > 0 && deadlineNanos - started < longest) {
        break;
      }
      if (i % 2 == 0) {
        Run a = timed(baseline);
        result.add(new Pair(a, timed(candidate)));
      } else {
        Run b = timed(candidate);
        result.add(new Pair(timed(baseline), b));
      }
      longest = Math.max(longest, System.nanoTime() - started);
    }
    return result;
  }

  private static void warmUp(Block block) throws Exception {
    block.before();
    block.run();
    block.after();
  }

  /** Runs a block with the probe around it, whatever the block measured itself. */
  private static Run timed(Block block) throws Exception {
    block.before();
    System.gc(); // each block starts from the same heap, not with the other's garbage
    ProcessProbe before = ProcessProbe.now();
    Run run = block.run();
    Run charged = new Run(run.operations(), run.failures(), run.latency(), before.spentSince());
    block.after();
    return charged;
  }

  /** The median and range over pairs of candidate's figure / baseline's figure. */
  static Spread ratio(List<Pair> pairs, ToDoubleFunction<Run> figure) {
    List<Double> ratios = new ArrayList<>();
    for (Pair p : pairs) {
      ratios.add(figure.applyAsDouble(p.candidate()) / figure.applyAsDouble(p.baseline()));
    }
    return Spread.of(ratios);
  }

  /** The median and range over pairs of candidate's figure - baseline's figure. */
  static Spread difference(List<Pair> pairs, ToDoubleFunction<Run> figure) {
    List<Double> differences = new ArrayList<>();
    for (Pair p : pairs) {
      differences.add(figure.applyAsDouble(p.candidate()) - figure.applyAsDouble(p.baseline()));
    }
    return Spread.of(differences);
  }

  /** One side's figure over its blocks. */
  static Spread of(List<Pair> pairs, boolean candidate, ToDoubleFunction<Run> figure) {
    List<Double> values = new ArrayList<>();
    for (Pair p : pairs) {
      values.add(figure.applyAsDouble(candidate ? p.candidate() : p.baseline()));
    }
    return Spread.of(values);
  }

  /**
   * One side's figures over its blocks: queries/s, latency percentiles (µs), process CPU µs and
   * allocated bytes per operation, and its operations and failures in all.
   */
  static JsonObject sideJson(List<Pair> pairs, boolean candidate) {
    long operations = 0;
    long failures = 0;
    for (Pair p : pairs) {
      Run run = candidate ? p.candidate() : p.baseline();
      operations += run.operations();
      failures += run.failures();
    }
    return new JsonObject()
        .put("perSecond", of(pairs, candidate, Run::perSecond).toJson())
        .put("p50Us", of(pairs, candidate, r -> r.percentileMicros(50)).toJson())
        .put("p90Us", of(pairs, candidate, r -> r.percentileMicros(90)).toJson())
        .put("p99Us", of(pairs, candidate, r -> r.percentileMicros(99)).toJson())
        .put("cpuUsPerOp", of(pairs, candidate, Run::cpuMicrosPerOp).toJson())
        .put("allocatedBytesPerOp", of(pairs, candidate, Run::allocatedBytesPerOp).toJson())
        .put("operations", operations).put("failures", failures);
  }

  /** Every block's figures, for the result JSON. */
  static JsonArray toJson(List<Pair> pairs) {
    JsonArray array = new JsonArray();
    for (Pair p : pairs) {
      array.add(new JsonObject().put("baseline", p.baseline().toJson()).put("candidate", p.candidate().toJson()));
    }
    return array;
  }
}
