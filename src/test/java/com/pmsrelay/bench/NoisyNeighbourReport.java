package com.pmsrelay.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The noisy-neighbour benchmark's result: per pair, B's p99 and p50 with A flooding over B alone;
 * pooled latencies and their parts; B's success; A's answers by outcome; the database's
 * concurrency; the agent's limit; CPU shares; and the targets, each with whether it is met.
 */
final class NoisyNeighbourReport {
  private NoisyNeighbourReport() {}

  static JsonObject of(NoisyNeighbourBench.Variant variant, BenchMode mode, NoisyNeighbourBench.Settings s, int cap,
      double aCapacity, double aRate, List<NoisyPhase[]> pairs, boolean cut) {
    List<Double> p99Ratios = new ArrayList<>();
    List<Double> p50Ratios = new ArrayList<>();
    Outcomes bAlone = new Outcomes();
    Outcomes bFlood = new Outcomes();
    Outcomes aFlood = new Outcomes();
    List<Double> cpuAlone = new ArrayList<>();
    List<Double> cpuFlood = new ArrayList<>();
    List<Double> aAnswerRates = new ArrayList<>();
    List<Double> generatorFlood = new ArrayList<>();
    List<Double> relayCpuPerA = new ArrayList<>();
    List<Double> allocatedPerQueryAlone = new ArrayList<>();
    List<Double> allocatedPerQueryFlood = new ArrayList<>();
    List<Double> machineAlone = new ArrayList<>();
    List<Double> machineFlood = new ArrayList<>();
    List<Double> limitMeanFlood = new ArrayList<>();
    List<Double> gcMaxFlood = new ArrayList<>();
    List<Double> gcTotalFlood = new ArrayList<>();
    int limitMinFlood = Integer.MAX_VALUE;
    JsonArray perPair = new JsonArray();
    for (NoisyPhase[] pair : pairs) {
      NoisyPhase alone = pair[0];
      NoisyPhase flood = pair[1];
      double p99Ratio = flood.b().okLatency.percentileMillis(99) / alone.b().okLatency.percentileMillis(99);
      double p50Ratio = flood.b().okLatency.percentileMillis(50) / alone.b().okLatency.percentileMillis(50);
      p99Ratios.add(p99Ratio);
      p50Ratios.add(p50Ratio);
      bAlone.addAll(alone.b());
      bFlood.addAll(flood.b());
      aFlood.addAll(flood.a());
      cpuAlone.add(gauge(alone, "processCpuShare"));
      cpuFlood.add(gauge(flood, "processCpuShare"));
      // Answers the relay gave (client time-outs are the client giving up), per second of the phase.
      aAnswerRates.add(flood.a().answerLatency.count() * 1000.0 / gauge(flood, "wallMs"));
      generatorFlood.add(gauge(flood, "loadGeneratorCpuShare"));
      relayCpuPerA.add(relayCpuMicrosPerQuery(alone, flood));
      allocatedPerQueryAlone.add(allocatedPerQuery(alone));
      allocatedPerQueryFlood.add(allocatedPerQuery(flood));
      machineAlone.add(gauge(alone, "machineCpuShare"));
      machineFlood.add(gauge(flood, "machineCpuShare"));
      gcMaxFlood.add(flood.gauges().getJsonObject("gc").getLong("maxMs").doubleValue());
      gcTotalFlood.add(flood.gauges().getJsonObject("gc").getLong("totalMs").doubleValue());
      if (flood.gauges().getValue("agentLimitMin") != null) {
        limitMinFlood = Math.min(limitMinFlood, flood.gauges().getInteger("agentLimitMin"));
        limitMeanFlood.add(flood.gauges().getDouble("agentLimitMean"));
      }
      perPair.add(new JsonObject()
          .put("bP99RatioFloodToAlone", Spread.round(p99Ratio))
          .put("bP50RatioFloodToAlone", Spread.round(p50Ratio))
          .put("alone", phaseJson(alone))
          .put("flood", phaseJson(flood)));
    }
    Spread p99Ratio = Spread.of(p99Ratios);
    double bSuccess = bFlood.sent() == 0 ? Double.NaN : (double) bFlood.count("200") / bFlood.sent();
    int aTimeouts = 0;
    int a429 = 0;
    for (Map.Entry<String, Integer> e : aFlood.byOutcome().entrySet()) {
      if (e.getKey().startsWith("504") || e.getKey().equals("client_timeout") || e.getKey().contains("timeout")) {
        aTimeouts += e.getValue();
      }
      if (e.getKey().startsWith("429")) {
        a429 += e.getValue();
      }
    }
    aTimeouts += aFlood.unanswered();
    int dbMax = DbHold.MAX.get();
    JsonObject targets = new JsonObject()
        .put("bP99RatioMedian", Targets.atMost(p99Ratio.median(), NoisyNeighbourBench.TARGET_P99_RATIO, "<= 1.5 (B's p99 with A flooding / B alone)"))
        .put("bSuccessRateUnderFlood", Targets.atLeast(bSuccess, NoisyNeighbourBench.TARGET_B_SUCCESS, ">= 0.99"))
        .put("aGets429NotTimeouts", Targets.holds(a429 > 0 && aTimeouts == 0,
            new JsonObject().put("429", a429).put("timeouts", aTimeouts), "A: some 429, no time-outs"))
        .put("dbConcurrencyWithinCap", Targets.holds(dbMax <= cap, dbMax, "<= " + cap));
    return new JsonObject()
        .put("name", variant.benchName)
        .put("mode", mode.label())
        .put("path", variant.path)
        .put("settings", new JsonObject()
            .put("patients", s.patients()).put("pairs", s.pairs()).put("pairsRun", pairs.size()).put("budgetCut", cut)
            .put("phaseMs", s.phaseMs()).put("warmupMsPerPhaseKind", s.warmupMs())
            .put("agentMaxConcurrent", cap)
            .put("bSql", NoisyNeighbourBench.B_SQL).put("bRatePerSecond", s.bRatePerSecond())
            .put("bGrantRatePerMinute", variant.viaCloud ? NoisyNeighbourBench.B_RATE_PER_MINUTE : null)
            .put("aSql", NoisyNeighbourBench.A_SQL).put("aCapacityPerSecond", Spread.round(aCapacity)).put("floodFactor", s.floodFactor())
            .put("aOfferedPerSecond", Spread.round(aRate))
            .put("aGrantRatePerMinute", variant.viaCloud ? NoisyNeighbourBench.A_RATE_PER_MINUTE : null)
            .put("queryTimeoutMs", NoisyNeighbourBench.QUERY_TIMEOUT_MS).put("clientTimeoutMs", NoisyNeighbourBench.CLIENT_TIMEOUT_MS))
        .put("bP99RatioFloodToAlone", p99Ratio.toJson())
        .put("bP50RatioFloodToAlone", Spread.of(p50Ratios).toJson())
        .put("bP99RatioPooled", Spread.round(bFlood.okLatency.percentileMillis(99) / bAlone.okLatency.percentileMillis(99)))
        .put("bAlone", bJson(bAlone))
        .put("bFlood", bJson(bFlood))
        .put("bSuccessRateUnderFlood", Spread.round(bSuccess))
        .put("aFlood", aFlood.countsJson().put("sendLagP99Ms", Spread.round(aFlood.sendLag.percentileMillis(99)))
            .put("okLatency", aFlood.okLatency.millisJson()).put("answerLatency", aFlood.answerLatency.millisJson())
            .put("relayAnswersPerSecond", Spread.of(aAnswerRates).toJson()))
        .put("database", new JsonObject().put("maxConcurrency", dbMax)
            .put("maxConcurrencyB", DbHold.MAX_BY_TAG.get(0)).put("maxConcurrencyA", DbHold.MAX_BY_TAG.get(1))
            .put("holdCalls", DbHold.CALLS.get()))
        .put("agentLimitUnderFlood", new JsonObject().put("min", limitMinFlood == Integer.MAX_VALUE ? null : limitMinFlood)
            .put("meanPerPhase", Spread.of(limitMeanFlood).toJson()))
        .put("processCpuShare", new JsonObject().put("alone", Spread.of(cpuAlone).toJson()).put("flood", Spread.of(cpuFlood).toJson()))
        .put("loadGeneratorCpuShareUnderFlood", Spread.of(generatorFlood).toJson())
        .put("relayCpuUsPerAQuery", Spread.of(relayCpuPerA).toJson())
        .put("allocatedBytesPerQuery", new JsonObject().put("alone", Spread.of(allocatedPerQueryAlone).toJson())
            .put("flood", Spread.of(allocatedPerQueryFlood).toJson())
            .put("note", "everything this JVM allocated in the phase (relay and load generator) over the queries sent (A and B)"))
        .put("gcPausesUnderFlood", new JsonObject().put("longestMs", Spread.of(gcMaxFlood).toJson())
            .put("totalMs", Spread.of(gcTotalFlood).toJson()))
        .put("machineCpuShare", new JsonObject().put("alone", Spread.of(machineAlone).toJson())
            .put("flood", Spread.of(machineFlood).toJson()))
        .put("targets", targets)
        .put("pairs", perPair);
  }

  /**
   * The CPU the relay (this process but the load generator) spent per query of A: its CPU in the
   * flood phase minus its CPU in the alone phase (B's share, the same in both), over A's queries.
   * Rough: it includes the garbage collection and JIT compilation the flood causes.
   */
  private static double relayCpuMicrosPerQuery(NoisyPhase alone, NoisyPhase flood) {
    int cores = Runtime.getRuntime().availableProcessors();
    double floodMicros = (gauge(flood, "processCpuShare") - gauge(flood, "loadGeneratorCpuShare"))
        * gauge(flood, "wallMs") * 1000 * cores;
    double aloneMicros = (gauge(alone, "processCpuShare") - gauge(alone, "loadGeneratorCpuShare"))
        * gauge(alone, "wallMs") * 1000 * cores;
    return flood.a().sent() == 0 ? Double.NaN : (floodMicros - aloneMicros) / flood.a().sent();
  }

  private static double allocatedPerQuery(NoisyPhase phase) {
    long sent = phase.b().sent() + phase.a().sent();
    return sent == 0 ? Double.NaN : gauge(phase, "allocatedBytes") / sent;
  }

  private static double gauge(NoisyPhase phase, String name) {
    Double value = phase.gauges().getDouble(name);
    return value == null ? Double.NaN : value;
  }

  private static JsonObject bJson(Outcomes b) {
    return b.countsJson()
        .put("latency", b.okLatency.millisJson())
        .put("latencyParts", b.attributionJson())
        .put("sendLagP99Ms", Spread.round(b.sendLag.percentileMillis(99)));
  }

  private static JsonObject phaseJson(NoisyPhase p) {
    JsonObject json = new JsonObject()
        .put("b", bJson(p.b()))
        .put("gauges", p.gauges());
    if (p.kind().equals("flood")) {
      json.put("a", p.a().countsJson().put("sendLagP99Ms", Spread.round(p.a().sendLag.percentileMillis(99)))
          .put("answerLatency", p.a().answerLatency.millisJson()));
    }
    return json;
  }
}
