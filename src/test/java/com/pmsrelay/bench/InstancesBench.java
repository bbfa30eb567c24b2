package com.pmsrelay.bench;

import com.pmsrelay.bench.AlternatingPairs.Pair;
import com.pmsrelay.bench.AlternatingPairs.Run;
import com.pmsrelay.bench.RelayVsPlainBench.Settings;
import com.pmsrelay.common.config.ConfigReader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;

/**
 * Issue #12's "every core used": the throughput benchmark's relay (64 outstanding one-row lookups,
 * closed loop, {@link LookupRig}) with its cloud's HTTP API and bridge deployed as one instance
 * each (the baseline) against one per available processor (the candidate). Two relays side by side
 * in this JVM, each its own cloud, agent and H2 database, the same load generator settings; blocks
 * alternate after a warm-up of each, as in {@code throughput}. Only the cloud's instances differ:
 * the agent's concurrency cap and H2 are the same on both sides, so the ratio shows what more
 * event loops at the cloud buy on this machine (little on 2 cores, where one cloud event loop
 * already shares them with the agent, H2's workers and the load generator).
 */
final class InstancesBench {
  static final String NAME = "throughput-instances";
  static final int CONCURRENCY = 64;

  JsonObject run(BenchMode mode, Path work) throws Exception {
    Settings throughput = Settings.of(mode);
    // Both sides are relays, each warming up as long as throughput's relay does: the budget holds
    // one more such warm-up, so that warm-ups do not eat the pairs.
    Settings s = new Settings(throughput.patients(), throughput.minWarmupMs(), throughput.warmupMs(),
        throughput.warmupSliceMs(), throughput.pairs(), throughput.blockMs(), throughput.budgetMs() + throughput.warmupMs());
    int processors = Math.min(ConfigReader.MAX_INSTANCES, Runtime.getRuntime().availableProcessors());
    long started = System.nanoTime();
    try (LookupRig one = LookupRig.start(work, NAME + "-1", s.patients(), 1);
         LookupRig many = LookupRig.start(work, NAME + "-" + processors, s.patients(), processors)) {
      LookupRig.progress(NAME, "set up", started);
      QueryTarget toOne = one.target(one.relayClient, i -> one.token);
      QueryTarget toMany = many.target(many.relayClient, i -> many.token);
      JsonObject warmup = new JsonObject()
          .put("oneInstance", RelayVsPlainBench.warmUp(one, toOne, s))
          .put("perProcessor", RelayVsPlainBench.warmUp(many, toMany, s));
      LookupRig.progress(NAME, "warmed up", started);
      List<Pair> pairs = AlternatingPairs.measure(
          () -> one.closedLoop(toOne, CONCURRENCY, Integer.MAX_VALUE, s.blockMs()),
          () -> many.closedLoop(toMany, CONCURRENCY, Integer.MAX_VALUE, s.blockMs()), 0, s.pairs(),
          started + s.budgetMs() * 1_000_000);
      LookupRig.progress(NAME, pairs.size() + " pairs done", started);
      JsonObject result = report(mode, s, one, many, pairs);
      result.put("warmupSlices", warmup);
      result.put("runSeconds", Spread.round((System.nanoTime() - started) / 1e9));
      return result;
    }
  }

  private static JsonObject report(BenchMode mode, Settings s, LookupRig one, LookupRig many, List<Pair> pairs) {
    Spread throughputRatio = AlternatingPairs.ratio(pairs, Run::perSecond);
    Spread p50Ratio = AlternatingPairs.ratio(pairs, r -> r.percentileMicros(50));
    Spread cpuAdded = AlternatingPairs.difference(pairs, Run::cpuMicrosPerOp);
    JsonObject baseline = AlternatingPairs.sideJson(pairs, false);
    JsonObject candidate = AlternatingPairs.sideJson(pairs, true);
    long failures = one.failureCount() + many.failureCount();
    int instances = many.relay.cloud.httpInstances();
    JsonArray headlines = new JsonArray()
        .add(String.format("concurrency %d, %d pairs of %d ms blocks: queries/s %d instances / 1 instance %s,"
                + " p50 %s, cpu per query %s µs", CONCURRENCY, pairs.size(), s.blockMs(), instances,
            RelayVsPlainBench.figure(throughputRatio), RelayVsPlainBench.figure(p50Ratio),
            RelayVsPlainBench.figure(cpuAdded)))
        .add(String.format("1 instance: %s queries/s, p50 %s µs, p99 %s µs; %d instances: %s queries/s, p50 %s µs,"
                + " p99 %s µs; failures %d", RelayVsPlainBench.median(baseline, "perSecond"),
            RelayVsPlainBench.median(baseline, "p50Us"), RelayVsPlainBench.median(baseline, "p99Us"), instances,
            RelayVsPlainBench.median(candidate, "perSecond"), RelayVsPlainBench.median(candidate, "p50Us"),
            RelayVsPlainBench.median(candidate, "p99Us"), failures));
    JsonObject failuresByOutcome = new JsonObject().put("oneInstance", one.failuresJson())
        .put("perProcessor", many.failuresJson());
    return new JsonObject()
        .put("name", NAME)
        .put("mode", mode.label())
        .put("measures", "queries/s with 64 outstanding (closed loop) through the relay, its cloud's HTTP API and"
            + " bridge deployed as one instance each vs one per available processor")
        .put("settings", s.toJson().put("concurrency", CONCURRENCY).put("processors", Runtime.getRuntime()
                .availableProcessors())
            .put("oneInstance", one.settings()).put("perProcessor", many.settings()))
        .put("baseline", "http.instances = bridge.instances = 1")
        .put("candidate", "http.instances = bridge.instances = " + instances + " (available processors)")
        .put("throughputRatioManyToOne", throughputRatio.toJson())
        .put("p50RatioManyToOne", p50Ratio.toJson())
        .put("p99RatioManyToOne", AlternatingPairs.ratio(pairs, r -> r.percentileMicros(99)).toJson())
        .put("cpuUsPerQueryAdded", cpuAdded.toJson())
        .put("oneInstance", baseline)
        .put("perProcessor", candidate)
        .put("failuresByOutcome", failuresByOutcome)
        .put("budgetCut", pairs.size() < s.pairs())
        .put("pairs", AlternatingPairs.toJson(pairs))
        .put("targets", new JsonObject()
            .put("noFailures", Targets.holds(failures == 0, failures, "0 answers other than 200, every block")))
        .put("headlines", headlines);
  }
}
