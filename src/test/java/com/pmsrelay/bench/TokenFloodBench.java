package com.pmsrelay.bench;

import com.pmsrelay.bench.AlternatingPairs.Pair;
import com.pmsrelay.bench.AlternatingPairs.Run;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a flood of wrong client secrets costs the other integrators (issue 13): integrator A's
 * lookups, open-loop at a steady rate, with and without {@link TokenFlood}'s eight attacking
 * threads (four on integrator B's client id, four on random ones, each from its own loopback
 * address) in alternating pairs in one run; the figure is A's p99 with the flood / without it.
 * Two sets, each on a relay of its own: (a) the shipped throttle (the target applies), (b) the
 * same throttle answering refused attempts at once ({@code throttle.holdMs} 0): what answering a
 * flood of 429s at full speed costs, for comparison.
 */
final class TokenFloodBench {
  static final String NAME = "token-flood";
  static final double TARGET_P99_RATIO = 1.5;
  static final int FLOOD_THREADS = 8;

  record Settings(int patients, double ratePerSecond, long blockMs, long settleMs, int pairs, int pairsNoHold) {
    static Settings of(BenchMode mode) {
      return switch (mode) {
        case FULL -> new Settings(3_000, 200, 8_000, 500, 5, 3);
        case FAST -> new Settings(3_000, 200, 2_500, 300, 3, 2);
        case TINY -> new Settings(300, 50, 400, 50, 1, 1);
      };
    }
  }

  /** One block of A's lookups, the flood running beside it or not. */
  private final class Side implements AlternatingPairs.Block {
    private final boolean flooding;
    private final List<TokenFlood.Counts> floods;

    Side(boolean flooding, List<TokenFlood.Counts> floods) {
      this.flooding = flooding;
      this.floods = floods;
    }

    @Override
    public Run run() throws Exception {
      TokenFlood flood = flooding ? new TokenFlood(rig.relay.cloud.httpPort(), rig.relay.integratorB.clientId()) : null;
      try {
        if (flood != null) {
          flood.start(FLOOD_THREADS);
          Thread.sleep(settings.settleMs()); // the attack is under way before A's block starts
        }
        long started = System.nanoTime();
        TokenFlood.Counts before = flood == null ? null : flood.snapshot(started, null);
        Outcomes outcomes = OpenLoopLoad.run(rig.load, rig.target(rig.relayClient, i -> rig.token),
            settings.ratePerSecond(), settings.blockMs()).await();
        if (flood != null) {
          floods.add(flood.snapshot(started, before));
        }
        int ok = outcomes.count(Answer.OK);
        outcomes.byOutcome().forEach((outcome, n) -> {
          if (!outcome.equals(Answer.OK)) {
            failures.merge(outcome, n, Integer::sum);
          }
        });
        return new Run(ok, outcomes.sent() - ok, outcomes.okLatency, null);
      } finally {
        if (flood != null) {
          flood.close();
        }
      }
    }
  }

  private Settings settings;
  private LookupRig rig;
  private final Map<String, Integer> failures = new TreeMap<>();

  JsonObject run(BenchMode mode, Path work) throws Exception {
    settings = Settings.of(mode);
    long started = System.nanoTime();
    JsonObject held = set(work, "held", new JsonObject(), settings.pairs(), started);
    JsonObject noHold = set(work, "no-hold", new JsonObject().put("throttle", new JsonObject().put("holdMs", 0)),
        settings.pairsNoHold(), started);
    double ratio = held.getJsonObject("p99RatioFloodToQuiet").getDouble("median", Double.NaN);
    // The target is the shipped throttle's: the no-hold set may overload the relay (that is what it shows).
    long failed = held.getJsonObject("failuresByOutcome").stream().mapToLong(e -> ((Number) e.getValue()).longValue()).sum();
    return new JsonObject()
        .put("name", NAME)
        .put("mode", mode.label())
        .put("measures", "integrator A's query latency (open loop, " + settings.ratePerSecond() + " lookups/s) while "
            + FLOOD_THREADS + " threads send wrong client secrets to POST /v1/token as fast as answers come back,"
            + " vs without them; alternating pairs in one run")
        .put("settings", new JsonObject().put("ratePerSecond", settings.ratePerSecond())
            .put("blockMs", settings.blockMs()).put("settleMs", settings.settleMs()).put("pairs", settings.pairs())
            .put("pairsNoHold", settings.pairsNoHold()).put("floodThreads", FLOOD_THREADS)
            .put("flood", "raw keep-alive HTTP/1.1 sockets, one per thread, each bound to its own 127.0.0.x; threads 0-3"
                + " on integrator B's client id, 4-7 on a random client id per request; a thread's next request"
                + " leaves when its answer is read; started settleMs before A's block, stopped after it; the cloud's"
                + " throttle state carries over from block to block, as it would in a lasting attack")
            .put("warmup", "one block of each side, unmeasured, per set"))
        .put("baseline", "no flood")
        .put("candidate", "flood")
        .put("held", held)
        .put("noHold", noHold)
        .put("runSeconds", Spread.round((System.nanoTime() - started) / 1e9))
        .put("targets", new JsonObject()
            .put("p99Ratio", Targets.atMost(ratio, TARGET_P99_RATIO,
                "<= 1.5 (A's p99 with the flood / without it, shipped throttle, median of pairs)"))
            .put("noFailures", Targets.holds(failed == 0, failed,
                "0 of A's lookups answered other than 200 (shipped throttle, warm-up included)")))
        .put("headlines", new JsonArray()
            .add(headline("shipped throttle (refused answers held up to 1 s)", held))
            .add(headline("throttle.holdMs 0 (refused answers at once)", noHold)));
  }

  /** One relay with {@code overrides}, a warm-up block of each side, then {@code pairs} pairs. */
  private JsonObject set(Path work, String name, JsonObject overrides, int pairs, long started) throws Exception {
    try (LookupRig r = LookupRig.start(work, NAME + "-" + name, settings.patients(), overrides)) {
      rig = r;
      failures.clear();
      LookupRig.progress(NAME, name + ": set up", started);
      List<TokenFlood.Counts> floods = new ArrayList<>();
      AlternatingPairs.measure(new Side(false, new ArrayList<>()), new Side(true, new ArrayList<>()), 1, 0); // warm-up
      List<Pair> measured = AlternatingPairs.measure(new Side(false, floods), new Side(true, floods), 0, pairs);
      LookupRig.progress(NAME, name + ": " + measured.size() + " pairs done", started);
      JsonArray floodBlocks = new JsonArray();
      List<Double> rates = new ArrayList<>();
      Map<Integer, Long> statuses = new TreeMap<>();
      for (TokenFlood.Counts c : floods) {
        floodBlocks.add(c.toJson());
        rates.add(c.perSecond());
        c.byStatus().forEach((status, n) -> statuses.merge(status, n, Long::sum));
      }
      JsonObject statusJson = new JsonObject();
      statuses.forEach((status, n) -> statusJson.put(String.valueOf(status), n));
      return new JsonObject()
          .put("cloudOverrides", overrides)
          .put("p99RatioFloodToQuiet", AlternatingPairs.ratio(measured, r2 -> r2.percentileMicros(99)).toJson())
          .put("p50RatioFloodToQuiet", AlternatingPairs.ratio(measured, r2 -> r2.percentileMicros(50)).toJson())
          .put("cpuUsPerQueryAdded", AlternatingPairs.difference(measured, Run::cpuMicrosPerOp).toJson())
          .put("quiet", AlternatingPairs.sideJson(measured, false))
          .put("flood", AlternatingPairs.sideJson(measured, true))
          .put("floodRequestsPerSecond", Spread.of(rates).toJson())
          .put("floodAnswersByStatus", statusJson)
          .put("floodBlocks", floodBlocks)
          .put("failuresByOutcome", new JsonObject(new TreeMap<String, Object>(failures)))
          .put("pairs", AlternatingPairs.toJson(measured));
    } finally {
      rig = null;
    }
  }

  private static String headline(String set, JsonObject figures) {
    return String.format("%s: A's p99 flood/quiet %s, p50 %s; quiet p99 %s µs, flood p99 %s µs; flood %s requests/s %s",
        set, RelayVsPlainBench.figure(figures.getJsonObject("p99RatioFloodToQuiet")),
        RelayVsPlainBench.figure(figures.getJsonObject("p50RatioFloodToQuiet")),
        RelayVsPlainBench.median(figures.getJsonObject("quiet"), "p99Us"),
        RelayVsPlainBench.median(figures.getJsonObject("flood"), "p99Us"),
        RelayVsPlainBench.figure(figures.getJsonObject("floodRequestsPerSecond")),
        figures.getJsonObject("floodAnswersByStatus").encode());
  }
}
