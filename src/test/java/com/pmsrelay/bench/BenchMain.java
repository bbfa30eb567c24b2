package com.pmsrelay.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs benchmarks and writes their results:
 * {@code BenchMain NAME|all [--fast] [--out DIR]} (names in {@link #BENCHMARKS}).
 * Each benchmark writes {@code DIR/<name>.json} ({@code <name>-fast.json} with --fast) and the run
 * writes {@code DIR/latest.json}. Everything runs in this JVM on loopback, bounded in time, and
 * the process exits when done. See BENCHMARKS.md.
 */
public final class BenchMain {
  /** Every benchmark by name, in the order {@code all} runs them (but those {@link #BY_NAME_ONLY}). */
  static final Map<String, Benchmark> BENCHMARKS = benchmarks();
  static final List<String> NAMES = List.copyOf(BENCHMARKS.keySet());
  /**
   * Run by name only, left out of {@code all}: the diagnostics that explain the noisy-neighbour
   * figure, and throughput-instances, cross-node, token-flood and registered (three to six minutes
   * each would take {@code all} past twenty).
   */
  static final List<String> BY_NAME_ONLY = List.of("noisy-agent", "noisy-mild", InstancesBench.NAME,
      CrossNodeBench.NAME, TokenFloodBench.NAME, RegisteredBench.NAME);

  private static Map<String, Benchmark> benchmarks() {
    Map<String, Benchmark> all = new LinkedHashMap<>();
    all.put("guard", (mode, work) -> new GuardCostBench().run(mode));
    all.put("noisy", (mode, work) -> new NoisyNeighbourBench(NoisyNeighbourBench.Variant.HTTP).run(mode, work));
    all.put("noisy-agent", (mode, work) -> new NoisyNeighbourBench(NoisyNeighbourBench.Variant.AGENT).run(mode, work));
    all.put("noisy-mild", (mode, work) -> new NoisyNeighbourBench(NoisyNeighbourBench.Variant.MILD).run(mode, work));
    all.put("hop", (mode, work) -> new RelayVsPlainBench(RelayVsPlainBench.Variant.HOP).run(mode, work));
    all.put("throughput", (mode, work) -> new RelayVsPlainBench(RelayVsPlainBench.Variant.THROUGHPUT).run(mode, work));
    all.put(InstancesBench.NAME, (mode, work) -> new InstancesBench().run(mode, work));
    all.put(CrossNodeBench.NAME, (mode, work) -> new CrossNodeBench().run(mode, work));
    all.put("auth", (mode, work) -> new AuthCostBench().run(mode, work));
    all.put("streaming", (mode, work) -> new StreamingBench().run(mode, work));
    all.put("footprint", (mode, work) -> new FootprintBench().run(mode, work));
    all.put("idle-agents", (mode, work) -> new IdleAgentsBench(mode).run(mode, work));
    all.put("reconnect-storm", (mode, work) -> new ReconnectStormBench(mode).run(mode, work));
    all.put(TokenFloodBench.NAME, (mode, work) -> new TokenFloodBench().run(mode, work));
    all.put(RegisteredBench.NAME, (mode, work) -> new RegisteredBench().run(mode, work));
    all.put(MetricsCostBench.NAME, (mode, work) -> new MetricsCostBench().run(mode));
    return all;
  }

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    String which = null;
    BenchMode mode = BenchMode.FULL;
    Path out = Path.of("bench", "results");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--fast" -> mode = BenchMode.FAST;
        case "--out" -> out = Path.of(args[++i]);
        default -> {
          if (which != null || !(args[i].equals("all") || NAMES.contains(args[i]))) {
            usage();
            return;
          }
          which = args[i];
        }
      }
    }
    if (which == null) {
      usage();
      return;
    }
    List<String> names = which.equals("all")
        ? NAMES.stream().filter(n -> !BY_NAME_ONLY.contains(n)).toList() : List.of(which);
    String command = "bench/run.sh " + which + (mode == BenchMode.FAST ? " --fast" : "");
    JsonObject latest = run(names, mode, out, command);
    System.out.println(Summary.of(latest));
    System.out.println("results: " + out.resolve("latest.json"));
    System.exit(0); // nothing of the run may linger
  }

  private static void usage() {
    System.err.println("usage: bench/run.sh " + String.join("|", NAMES) + "|all [--fast]");
    System.exit(2);
  }

  /** Runs {@code names} in {@code mode}; writes each result and latest.json into {@code out}. */
  static JsonObject run(List<String> names, BenchMode mode, Path out, String command) throws Exception {
    Files.createDirectories(out);
    JsonObject machine = MachineInfo.describe();
    JsonObject benchmarks = new JsonObject();
    Path work = Files.createTempDirectory("pms-relay-bench");
    try {
      for (String name : names) {
        System.err.println("running " + name + " (" + mode.label() + ")");
        double loadBefore = MachineInfo.loadAverage();
        JsonObject result = BENCHMARKS.get(name).run(mode, work);
        result.put("command", command).put("machine", machine).put("loadAverageBefore", loadBefore)
            .put("loadAverageAfter", MachineInfo.loadAverage());
        String file = name + (mode == BenchMode.FULL ? "" : "-" + mode.label()) + ".json";
        Files.writeString(out.resolve(file), result.encodePrettily() + "\n");
        benchmarks.put(name, result);
      }
    } finally {
      deleteTree(work);
    }
    JsonObject latest = new JsonObject().put("command", command).put("mode", mode.label())
        .put("machine", machine).put("benchmarks", benchmarks);
    Files.writeString(out.resolve("latest.json"), latest.encodePrettily() + "\n");
    return latest;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
