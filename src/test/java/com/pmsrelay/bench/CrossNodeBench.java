package com.pmsrelay.bench;

import com.pmsrelay.bench.AlternatingPairs.Pair;
import com.pmsrelay.bench.AlternatingPairs.Run;
import com.pmsrelay.bench.RelayVsPlainBench.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.List;

/**
 * Issue #12's cross-node figure: what a query pays when it reaches the cloud at a node that does
 * not hold its practice's agent. Two cloud nodes form one cluster in this JVM, each its own
 * clustered Vert.x (Hazelcast and the event bus between them over loopback TCP, so every message
 * between the nodes is encoded, written, read and decoded as between machines), on one embedded
 * store; one agent is connected to node B. The throughput benchmark's lookups ({@link LookupRig},
 * the same token and bodies) go alternately to node B (the baseline: the agent's own node) and to
 * node A (the candidate: node A's HTTP API, then the clustered event bus to node B's bridge, the
 * results back the same way). Two series of alternating pairs after a warm-up of each side: 64
 * outstanding (queries/s) and one at a time (latency added by the extra hop).
 *
 * <p>One JVM rather than a process per node, as the other relay benchmarks run their relay: both
 * sides then share the same cores, JIT and heap, and differ only by the hop, which still crosses
 * real sockets; the price is that node A's work competes with node B's for this machine's two
 * cores, as it would not on two machines, so the throughput ratio is if anything pessimistic.
 */
final class CrossNodeBench {
  static final String NAME = "cross-node";
  static final double TARGET_THROUGHPUT_RATIO = 0.6;
  static final double TARGET_P50_ADDED_US = 150;
  static final int CONCURRENCY = 64;
  /** Starting two Hazelcast members and their nodes takes 15-35 s here, beyond one node's set-up. */
  static final long CLUSTER_SETUP_MS = 30_000;

  JsonObject run(BenchMode mode, Path work) throws Exception {
    Settings throughput = Settings.of(mode);
    long latencySeriesMs = throughput.pairs() * 2L * throughput.blockMs();
    // A cluster to start, two sides to warm up and two series of pairs: the budget holds the cluster's
    // set-up, a second warm-up and the latency series.
    Settings s = new Settings(throughput.patients(), throughput.minWarmupMs(), throughput.warmupMs(),
        throughput.warmupSliceMs(), throughput.pairs(), throughput.blockMs(),
        CLUSTER_SETUP_MS + throughput.budgetMs() + throughput.warmupMs() + latencySeriesMs);
    long started = System.nanoTime();
    try (LookupRig rig = LookupRig.startCluster(work, NAME, s.patients(), 2)) {
      WebClient nodeA = rig.client(rig.relay.nodes.get(0).httpPort());
      JsonArray ownRows = rig.rows(rig.relayClient, 0);
      if (ownRows.size() != 1 || !ownRows.equals(rig.rows(nodeA, 0))) {
        throw new IllegalStateException("node A and node B answer the lookup differently");
      }
      LookupRig.progress(NAME, "set up", started);
      QueryTarget viaOwnNode = rig.target(rig.relayClient, i -> rig.token);
      QueryTarget viaOtherNode = rig.target(nodeA, i -> rig.token);
      JsonObject warmup = new JsonObject()
          .put("otherNode", RelayVsPlainBench.warmUp(rig, viaOtherNode, s))
          .put("ownNode", RelayVsPlainBench.warmUp(rig, viaOwnNode, s));
      LookupRig.progress(NAME, "warmed up", started);
      long budgetEnd = started + s.budgetMs() * 1_000_000;
      List<Pair> many = AlternatingPairs.measure(
          () -> rig.closedLoop(viaOwnNode, CONCURRENCY, Integer.MAX_VALUE, s.blockMs()),
          () -> rig.closedLoop(viaOtherNode, CONCURRENCY, Integer.MAX_VALUE, s.blockMs()), 0, s.pairs(),
          budgetEnd - latencySeriesMs * 1_000_000);
      LookupRig.progress(NAME, many.size() + " pairs at " + CONCURRENCY + " outstanding done", started);
      List<Pair> one = AlternatingPairs.measure(
          () -> rig.closedLoop(viaOwnNode, 1, Integer.MAX_VALUE, s.blockMs()),
          () -> rig.closedLoop(viaOtherNode, 1, Integer.MAX_VALUE, s.blockMs()), 0, s.pairs(), budgetEnd);
      LookupRig.progress(NAME, one.size() + " pairs one at a time done", started);
      JsonObject result = report(mode, s, rig, many, one);
      result.put("warmupSlices", warmup);
      result.put("runSeconds", Spread.round((System.nanoTime() - started) / 1e9));
      return result;
    }
  }

  private static JsonObject report(BenchMode mode, Settings s, LookupRig rig, List<Pair> many, List<Pair> one) {
    Spread throughputRatio = AlternatingPairs.ratio(many, Run::perSecond);
    Spread p50Added = AlternatingPairs.difference(one, r -> r.percentileMicros(50));
    Spread p50Ratio = AlternatingPairs.ratio(one, r -> r.percentileMicros(50));
    Spread cpuAddedMany = AlternatingPairs.difference(many, Run::cpuMicrosPerOp);
    Spread cpuAddedOne = AlternatingPairs.difference(one, Run::cpuMicrosPerOp);
    Spread bytesAdded = AlternatingPairs.difference(many, Run::allocatedBytesPerOp);
    long failures = rig.failureCount();
    JsonObject ownMany = AlternatingPairs.sideJson(many, false);
    JsonObject otherMany = AlternatingPairs.sideJson(many, true);
    JsonObject ownOne = AlternatingPairs.sideJson(one, false);
    JsonObject otherOne = AlternatingPairs.sideJson(one, true);
    JsonObject series = new JsonObject()
        .put("outstanding" + CONCURRENCY, new JsonObject()
            .put("ownNode", ownMany)
            .put("otherNode", otherMany)
            .put("throughputRatioOtherToOwn", throughputRatio.toJson())
            .put("p50RatioOtherToOwn", AlternatingPairs.ratio(many, r -> r.percentileMicros(50)).toJson())
            .put("cpuUsPerQueryAdded", cpuAddedMany.toJson())
            .put("allocatedBytesPerQueryAdded", bytesAdded.toJson())
            .put("budgetCut", many.size() < s.pairs())
            .put("pairs", AlternatingPairs.toJson(many)))
        .put("oneAtATime", new JsonObject()
            .put("ownNode", ownOne)
            .put("otherNode", otherOne)
            .put("p50AddedUs", p50Added.toJson())
            .put("p50RatioOtherToOwn", p50Ratio.toJson())
            .put("p99AddedUs", AlternatingPairs.difference(one, r -> r.percentileMicros(99)).toJson())
            .put("cpuUsPerQueryAdded", cpuAddedOne.toJson())
            .put("budgetCut", one.size() < s.pairs())
            .put("pairs", AlternatingPairs.toJson(one)));
    JsonArray headlines = new JsonArray()
        .add(String.format("%d outstanding, %d pairs of %d ms blocks: queries/s via the other node / via the agent's"
                + " node %s (%s vs %s q/s); cpu per query added %s µs", CONCURRENCY, many.size(), s.blockMs(),
            RelayVsPlainBench.figure(throughputRatio), RelayVsPlainBench.median(otherMany, "perSecond"),
            RelayVsPlainBench.median(ownMany, "perSecond"), RelayVsPlainBench.figure(cpuAddedMany)))
        .add(String.format("one at a time, %d pairs: p50 added by the other node %s µs (%s vs %s µs), ratio %s;"
                + " cpu per query added %s µs; failures %d", one.size(), RelayVsPlainBench.figure(p50Added),
            RelayVsPlainBench.median(otherOne, "p50Us"), RelayVsPlainBench.median(ownOne, "p50Us"),
            RelayVsPlainBench.figure(p50Ratio), RelayVsPlainBench.figure(cpuAddedOne), failures));
    return new JsonObject()
        .put("name", NAME)
        .put("mode", mode.label())
        .put("measures", "the lookup through node A of a two-node cluster to the agent connected to node B (candidate)"
            + " vs the same through node B (baseline): queries/s with 64 outstanding, p50 one at a time")
        .put("settings", s.toJson().put("concurrency", new JsonArray().add(CONCURRENCY).add(1))
            .put("relay", rig.settings()).put("cluster", "2 cloud nodes in this JVM, each a clustered Vert.x"
                + " (Hazelcast TCP-IP members and the event bus on loopback), one embedded H2 store, one bridge"
                + " certificate; the agent connected to node B"))
        .put("baseline", "ownNode: node B, which holds the agent's socket")
        .put("candidate", "otherNode: node A, which reaches the agent over the clustered event bus")
        .put("throughputRatioOtherToOwn", throughputRatio.toJson())
        .put("p50AddedUs", p50Added.toJson())
        .put("series", series)
        .put("failuresByOutcome", rig.failuresJson())
        .put("budgetCut", many.size() < s.pairs() || one.size() < s.pairs())
        .put("targets", new JsonObject()
            .put("throughputRatio", Targets.atLeast(throughputRatio.median(), TARGET_THROUGHPUT_RATIO,
                ">= " + TARGET_THROUGHPUT_RATIO + " (queries/s via node A / via node B, 64 outstanding, median of pairs)"))
            .put("p50AddedUs", Targets.atMost(p50Added.median(), TARGET_P50_ADDED_US,
                "<= " + (int) TARGET_P50_ADDED_US + " µs (p50 via node A - p50 via node B, one at a time, median of pairs)"))
            .put("noFailures", Targets.holds(failures == 0, failures, "0 answers other than 200, every block")))
        .put("headlines", headlines);
  }
}
