package com.pmsrelay.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The footprint benchmark's result: each idle agent's RSS and CPU; per pair of load blocks, the
 * summed RSS and CPU of the one agent and of the separate agents, and their ratios; the answers the
 * integrators got; where an idle agent's memory goes; the targets, each with whether it is met.
 */
final class FootprintReport {
  /** One group's load block: what its agents used, what its integrators got. */
  record Block(AgentGroup.Usage usage, Outcomes outcomes) {
    JsonObject toJson() {
      return new JsonObject().put("rssMb", Spread.round(usage.rssMb()))
          .put("rssMbPerAgent", Spread.rounded(usage.rssKbPerAgent().stream().map(kb -> kb / 1024.0).toList()))
          .put("cpuPercentOfCore", Spread.round(usage.cpuPercentOfCore()))
          .put("wallMs", usage.wallNanos() / 1_000_000)
          .put("sent", outcomes.sent()).put("ok", outcomes.count(Answer.OK));
    }
  }

  /** The two ways' blocks of one pair, and which ran first. */
  record Pair(Block one, Block separate, boolean oneFirst) {
    double memoryRatio() {
      return separate.usage().rssMb() / one.usage().rssMb();
    }

    double cpuRatio() {
      return separate.usage().cpuPercentOfCore() / one.usage().cpuPercentOfCore();
    }
  }

  private FootprintReport() {}

  /**
   * @param idle each measured agent's idle window: the one agent first, then the separate agents
   * @param nativeMemory the diagnostic agent's {@link NativeMemory#summary}, or null
   */
  static JsonObject of(BenchMode mode, FootprintBench.Settings s, JsonObject settings, long settleMs,
      List<AgentGroup.Usage> idle, List<Pair> pairs, boolean cut, JsonObject nativeMemory) {
    Spread idleRss = Spread.of(idle.stream().map(AgentGroup.Usage::rssMb).toList());
    Spread idleCpu = Spread.of(idle.stream().map(AgentGroup.Usage::cpuPercentOfCore).toList());
    double separateIdleMb = idle.subList(1, idle.size()).stream().mapToDouble(AgentGroup.Usage::rssMb).sum();
    JsonArray perAgent = new JsonArray();
    for (AgentGroup.Usage u : idle) {
      perAgent.add(new JsonObject().put("rssMb", Spread.round(u.rssMb()))
          .put("cpuPercentOfCore", Spread.round(u.cpuPercentOfCore())));
    }
    JsonObject idleJson = new JsonObject()
        .put("settleMs", settleMs).put("settled", settleMs >= 0).put("windowMs", s.idleMs())
        .put("rssMbPerAgent", idleRss.toJson())
        .put("cpuPercentOfCorePerAgent", idleCpu.toJson())
        .put("oneAgentRssMb", Spread.round(idle.get(0).rssMb()))
        .put("oneAgentCpuPercentOfCore", Spread.round(idle.get(0).cpuPercentOfCore()))
        .put("separateAgentsRssMb", Spread.round(separateIdleMb))
        .put("memoryRatioSeparateToOne", Spread.round(separateIdleMb / idle.get(0).rssMb()))
        .put("perAgent", perAgent);

    Spread memoryRatio = spread(pairs, Pair::memoryRatio);
    Spread oneRss = spread(pairs, p -> p.one().usage().rssMb());
    Spread separateRss = spread(pairs, p -> p.separate().usage().rssMb());
    Spread oneCpu = spread(pairs, p -> p.one().usage().cpuPercentOfCore());
    Spread separateCpu = spread(pairs, p -> p.separate().usage().cpuPercentOfCore());
    Spread cpuRatio = spread(pairs, Pair::cpuRatio);
    Outcomes oneAnswers = new Outcomes();
    Outcomes separateAnswers = new Outcomes();
    JsonArray rounds = new JsonArray();
    for (Pair p : pairs) {
      oneAnswers.addAll(p.one().outcomes());
      separateAnswers.addAll(p.separate().outcomes());
      rounds.add(new JsonObject().put("order", p.oneFirst() ? "one, separate" : "separate, one")
          .put("one", p.one().toJson()).put("separate", p.separate().toJson())
          .put("memoryRatio", Spread.round(p.memoryRatio()))
          .put("cpuRatio", Spread.round(p.cpuRatio())));
    }
    JsonObject loadJson = new JsonObject()
        .put("pairs", pairs.size()).put("budgetCut", cut)
        .put("oneAgentRssMb", oneRss.toJson()).put("separateAgentsRssMb", separateRss.toJson())
        .put("memoryRatioSeparateToOne", memoryRatio.toJson())
        .put("oneAgentCpuPercentOfCore", oneCpu.toJson()).put("separateAgentsCpuPercentOfCore", separateCpu.toJson())
        .put("cpuRatioSeparateToOne", cpuRatio.toJson())
        .put("oneAnswers", answers(oneAnswers))
        .put("separateAnswers", answers(separateAnswers));

    JsonObject targets = new JsonObject()
        .put("idleRssMb", Targets.atMost(idleRss.max(), FootprintBench.TARGET_IDLE_RSS_MB,
            "<= 128 MB VmRSS, every idle agent (the largest)"))
        .put("idleCpuPercentOfCore", Targets.below(idleCpu.max(), FootprintBench.TARGET_IDLE_CPU_PERCENT,
            "< 1 % of a core, every idle agent (the largest)"))
        .put("memoryRatio", Targets.atLeast(memoryRatio.median(), FootprintBench.TARGET_MEMORY_RATIO,
            ">= 5x less memory with one agent (summed VmRSS under load, median of pairs)"));
    int n = s.integrators();
    JsonArray headlines = new JsonArray()
        .add(String.format("idle agent VmRSS %s MB, CPU %s %% of a core over %d s (median [min, max] of %d agents)",
            text(idleRss), text(idleCpu), s.idleMs() / 1000, idle.size()))
        .add(String.format("under load (%d integrators x %s q/s): one agent %s MB, %d agents %s MB summed: %sx less "
            + "memory with one (median [min, max] of %d pairs)", n, s.queriesPerSecond(), text(oneRss), n,
            text(separateRss), text(memoryRatio), pairs.size()))
        .add(String.format("under load CPU: one agent %s %%, %d agents %s %% of a core summed (ratio %s)",
            text(oneCpu), n, text(separateCpu), text(cpuRatio)))
        .add("agent JVM flags: " + settings.getString("agentJvmFlags"));
    return new JsonObject()
        .put("name", "footprint")
        .put("mode", mode.label())
        .put("settings", settings)
        .put("idle", idleJson)
        .put("load", loadJson)
        .put("rounds", rounds)
        .put("nativeMemory", nativeMemory)
        .put("targets", targets)
        .put("headlines", headlines)
        .put("limits", limits(nativeMemory));
  }

  private static String limits(JsonObject nativeMemory) {
    String idleAgent = nativeMemory == null ? "no Native Memory Tracking diagnostic in this mode"
        : NativeMemory.describe(nativeMemory);
    return "An idle agent (the NMT diagnostic): " + idleAgent + ". Every agent process pays this fixed cost (the "
        + "heap's floor, loaded classes, the class archive, compiled code, the JVM itself) whatever it serves, so N "
        + "agents cost about N times one, and N integrators' light load adds little to one agent. VmRSS counts the "
        + "file pages processes share (the JVM's code and class archive) in each of them.";
  }

  /** The integrators' answers: counts by outcome, latency, and where the latency went. */
  private static JsonObject answers(Outcomes outcomes) {
    return outcomes.countsJson().put("okLatencyMs", outcomes.okLatency.millisJson())
        .put("latencyPartsMs", outcomes.attributionJson());
  }

  private static Spread spread(List<Pair> pairs, ToDoubleFunction<Pair> figure) {
    List<Double> values = new ArrayList<>();
    pairs.forEach(p -> values.add(figure.applyAsDouble(p)));
    return Spread.of(values);
  }

  private static String text(Spread spread) {
    return String.format("%.3g [%.3g, %.3g]", spread.median(), spread.min(), spread.max());
  }
}
