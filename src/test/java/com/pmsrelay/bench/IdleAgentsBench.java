package com.pmsrelay.bench;

import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.common.VertxRuntime;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What an idle agent costs the cloud: the heap and resident memory of a cloud node holding N
 * connected, registered, heartbeating simulated agents ({@link SimAgent}), against a plain TLS
 * server ({@link RawTlsServer}) holding N connections that ping as often as the agents and get a
 * pong each time, each server in its own JVM with the same flags and certificate; and the cloud's
 * CPU while its agents idle, against the raw server's at the same pings: the floor of what
 * heartbeats cost on this machine (a thread waking for each ping, a TLS read and write).
 *
 * <p>Each repetition starts both servers afresh (relay first, then raw; the next repetition the
 * other way round) and grows the connections through the sizes, opening at most {@code inFlight}
 * at a time. At each size, once the cloud's own API reports every agent online with its load on
 * record (its heartbeats have reached the store; bounded by {@code maxSettleMs}), and the server
 * is idle (see {@link #settle}): its CPU over a window (% of one core),
 * then its live heap after a full collection (jcmd GC.class_histogram) and its RSS. Per agent beyond raw, at each size N, per repetition:
 * ((relay(N) - relay(0)) - (raw(N) - raw(0))) / N; the target is judged at the largest N.
 */
final class IdleAgentsBench {
  static final double TARGET_HEAP_PER_AGENT_KIB = 10;
  static final double TARGET_IDLE_CPU_PERCENT = 3; // issue #12 (5 in #6)
  /** The JIT is done once it compiles for less than this share of a second. */
  static final double JIT_SETTLED_SHARE = 0.02;

  enum Side { RELAY, RAW }

  /**
   * {@code cpuWindowsAtLargest}: successive CPU windows at the largest size, where the target is
   * judged (their median is the reading; one window, as at the other sizes, moved by a point or two
   * with a collection or a compile that fell into it).
   */
  record Settings(int[] sizes, int repetitions, int inFlight, long maxSettleMs, long cpuWindowMs,
      int cpuWindowsAtLargest, long budgetMs) {
    static Settings of(BenchMode mode) {
      return switch (mode) {
        case FULL -> new Settings(new int[] {0, 1_000, 5_000, 10_000}, 1, 64, 25_000, 5_000, 6, 330_000);
        case FAST -> new Settings(new int[] {0, 500}, 1, 64, 8_000, 2_000, 3, 45_000);
        case TINY -> new Settings(new int[] {0, 100}, 1, 32, 1_000, 500, 2, 30_000);
      };
    }

    int largest() {
      return sizes[sizes.length - 1];
    }

    JsonObject toJson(long pingIntervalMs) {
      JsonArray sizeList = new JsonArray();
      for (int n : sizes) {
        sizeList.add(n);
      }
      return new JsonObject().put("sizes", sizeList).put("repetitions", repetitions).put("inFlight", inFlight)
          .put("maxSettleMs", maxSettleMs).put("cpuWindowMs", cpuWindowMs)
          .put("cpuWindowsAtLargest", cpuWindowsAtLargest).put("budgetMs", budgetMs)
          .put("pingIntervalMs", pingIntervalMs).put("childJvmFlags", String.join(" ", ChildJvm.flags()))
          .put("heap", "live bytes after a full GC (jcmd GC.class_histogram), in the server's own JVM");
    }
  }

  /** A server's CPU at rest over successive windows: each window's % of one core, and by thread kind over all. */
  record Cpu(Spread windows, Map<String, Double> byThreadKind) {
    JsonObject toJson() {
      JsonObject kinds = new JsonObject();
      byThreadKind.entrySet().stream().filter(e -> e.getValue() > 0)
          .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
          .forEach(e -> kinds.put(e.getKey(), Spread.round(e.getValue())));
      return new JsonObject().put("windowsPercentOfCore", windows.toJson()).put("byThreadKindPercentOfCore", kinds);
    }
  }

  /** One server at one size. */
  record Reading(int size, int open, int online, int caughtUp, long settledMs, Cpu cpu, long heapBytes,
      long rssBytes, ChildJvm.HeapHistogram histogram, Swarm.Outcome setup) {
    /** The median of its windows. */
    double cpuPercent() {
      return cpu.windows().median();
    }

    JsonObject toJson() {
      return new JsonObject().put("size", size).put("open", open).put("online", online < 0 ? null : online)
          .put("loadRecorded", caughtUp < 0 ? null : caughtUp).put("settledMs", settledMs)
          .put("cpuPercentOfCore", Spread.round(cpuPercent())).put("cpu", cpu.toJson()).put("heapBytes", heapBytes)
          .put("rssBytes", rssBytes).put("setup", setup == null ? null : setup.toJson());
    }
  }

  private final Settings settings;

  IdleAgentsBench(BenchMode mode) {
    this.settings = Settings.of(mode);
  }

  JsonObject run(BenchMode mode, Path work) throws Exception {
    long started = System.nanoTime();
    Vertx vertx = VertxRuntime.create();
    try {
      SeededCloud cloud = SeededCloud.seed(vertx, work.resolve("idle-agents"), settings.largest());
      long seedMs = (System.nanoTime() - started) / 1_000_000;
      progress("seeded " + settings.largest() + " practices at %.1f s", started);
      long pingIntervalMs = SimAgent.defaults(1, cloud.tls().fingerprintSha256()).pingIntervalMs();
      List<Map<Side, List<Reading>>> repetitions = new ArrayList<>();
      boolean budgetCut = false;
      for (int rep = 0; rep < settings.repetitions(); rep++) {
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        if (rep > 0 && elapsedMs / rep * (rep + 1) > settings.budgetMs()) {
          budgetCut = true;
          break;
        }
        Map<Side, List<Reading>> readings = new EnumMap<>(Side.class);
        for (Side side : rep % 2 == 0 ? List.of(Side.RELAY, Side.RAW) : List.of(Side.RAW, Side.RELAY)) {
          readings.put(side, measure(vertx, cloud, side, work, started));
        }
        repetitions.add(readings);
      }
      return result(mode, repetitions, seedMs, pingIntervalMs, budgetCut, (System.nanoTime() - started) / 1_000_000);
    } finally {
      vertx.close().await();
    }
  }

  /** One server, started afresh, grown through the sizes. */
  private List<Reading> measure(Vertx vertx, SeededCloud cloud, Side side, Path work, long started) throws Exception {
    List<Reading> readings = new ArrayList<>();
    try (ChildJvm.Server server = side == Side.RELAY ? cloud.start() : RawTlsServer.start(work, cloud.tls())) {
      progress(side + " server started at %.1f s", started);
      AgentConfig agent = SimAgent.defaults(server.port(), cloud.tls().fingerprintSha256());
      Swarm.Opener opener = side == Side.RELAY ? new SimAgent(vertx, cloud.practices(), agent.pingIntervalMs())
          : Swarm.pingingTls(vertx, agent.pingIntervalMs());
      try (Swarm swarm = new Swarm(vertx, agent.cloud(), opener)) {
        ChildJvm jvm = server.jvm();
        for (int size : settings.sizes()) {
          Swarm.Outcome setup = size == 0 ? null : swarm.growTo(size, settings.inFlight(), Duration.ofSeconds(300));
          long settleStart = System.nanoTime();
          int online = -1;
          int caughtUp = -1;
          if (server instanceof SeededCloud.Running relay) {
            online = relay.api().awaitOnline(size, Duration.ofSeconds(30));
            caughtUp = relay.api().awaitLoadRecorded(size, Duration.ofMillis(settings.maxSettleMs()));
          }
          settle(jvm);
          long settledMs = (System.nanoTime() - settleStart) / 1_000_000;
          Cpu cpu = cpu(jvm, size == settings.largest() ? settings.cpuWindowsAtLargest() : 1);
          ChildJvm.HeapHistogram heap = jvm.heapHistogram();
          readings.add(new Reading(size, swarm.open(), online, caughtUp, settledMs, cpu, heap.totalBytes(), jvm.rssBytes(),
              heap, setup));
          progress(side + " measured at " + size + " at %.1f s", started);
        }
      }
    }
    return readings;
  }

  /**
   * Waits for the server to be idle after a start or a growth: first for its JIT to be done (it
   * compiled for under {@value #JIT_SETTLED_SHARE} of the last second), then for its CPU to level
   * off: two successive slices (a second, or the window if shorter) within a fifth or one point of
   * a core. All within {@code maxSettleMs}. (The cloud's store catching up with new agents is
   * awaited before, through the cloud's API.)
   */
  private void settle(ChildJvm jvm) throws IOException, InterruptedException {
    long start = System.nanoTime();
    long compiled = jvm.jitCompileNanos();
    while (elapsedMs(start) < settings.maxSettleMs()) {
      long sliceStart = System.nanoTime();
      Thread.sleep(1_000);
      long now = jvm.jitCompileNanos();
      boolean done = now - compiled < JIT_SETTLED_SHARE * (System.nanoTime() - sliceStart);
      compiled = now;
      if (done) {
        break;
      }
    }
    long sliceMs = Math.min(1_000, settings.cpuWindowMs());
    double previous = Double.NaN;
    while (elapsedMs(start) < settings.maxSettleMs()) {
      double now = cpuPercent(jvm, sliceMs);
      if (Math.abs(now - previous) <= Math.max(1, 0.2 * previous)) {
        return;
      }
      previous = now;
    }
  }

  private static long elapsedMs(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  /** The server's CPU over the next {@code windows} windows of {@code cpuWindowMs}. */
  private Cpu cpu(ChildJvm jvm, int windows) throws InterruptedException {
    Map<String, Long> before = ProcStatus.cpuTicksByThreadKind(jvm.pid());
    long start = System.nanoTime();
    List<Double> percents = new ArrayList<>();
    for (int i = 0; i < windows; i++) {
      percents.add(cpuPercent(jvm, settings.cpuWindowMs()));
    }
    double elapsedTicks = (System.nanoTime() - start) / 1e9 * ProcStatus.TICKS_PER_SECOND;
    Map<String, Double> byKind = new HashMap<>();
    ProcStatus.cpuTicksByThreadKind(jvm.pid()).forEach((kind, ticks) ->
        byKind.put(kind, (ticks - before.getOrDefault(kind, 0L)) * 100.0 / elapsedTicks));
    return new Cpu(Spread.of(percents), byKind);
  }

  /** The server's CPU over the next {@code windowMs}, in % of one core. */
  private static double cpuPercent(ChildJvm jvm, long windowMs) throws InterruptedException {
    long cpuBefore = jvm.cpuNanos();
    long start = System.nanoTime();
    Thread.sleep(windowMs);
    return (jvm.cpuNanos() - cpuBefore) * 100.0 / (System.nanoTime() - start);
  }

  private JsonObject result(BenchMode mode, List<Map<Side, List<Reading>>> repetitions, long seedMs, long pingIntervalMs,
      boolean budgetCut, long totalMs) {
    int[] sizes = settings.sizes();
    int largest = settings.largest();
    JsonObject heapBeyondRaw = new JsonObject();
    JsonObject rssBeyondRaw = new JsonObject();
    JsonObject relayHeapMib = new JsonObject();
    JsonObject rawHeapMib = new JsonObject();
    JsonObject relayRssMib = new JsonObject();
    JsonObject rawRssMib = new JsonObject();
    JsonObject relayCpu = new JsonObject();
    JsonObject rawCpu = new JsonObject();
    boolean allConnected = true;
    boolean storeKeptUp = true;
    for (int s = 0; s < sizes.length; s++) {
      int index = s;
      String n = Integer.toString(sizes[s]);
      relayHeapMib.put(n, over(repetitions, r -> r.get(Side.RELAY).get(index).heapBytes() / 1048576.0).toJson());
      rawHeapMib.put(n, over(repetitions, r -> r.get(Side.RAW).get(index).heapBytes() / 1048576.0).toJson());
      relayRssMib.put(n, over(repetitions, r -> r.get(Side.RELAY).get(index).rssBytes() / 1048576.0).toJson());
      rawRssMib.put(n, over(repetitions, r -> r.get(Side.RAW).get(index).rssBytes() / 1048576.0).toJson());
      relayCpu.put(n, over(repetitions, r -> r.get(Side.RELAY).get(index).cpuPercent()).toJson());
      rawCpu.put(n, over(repetitions, r -> r.get(Side.RAW).get(index).cpuPercent()).toJson());
      if (sizes[s] > 0) {
        heapBeyondRaw.put(n, over(repetitions, r -> beyondRaw(r, index, Reading::heapBytes) / 1024).toJson());
        rssBeyondRaw.put(n, over(repetitions, r -> beyondRaw(r, index, Reading::rssBytes) / 1024).toJson());
      }
      for (Map<Side, List<Reading>> r : repetitions) {
        Reading relay = r.get(Side.RELAY).get(index);
        Reading raw = r.get(Side.RAW).get(index);
        allConnected &= relay.open() == sizes[s] && relay.online() == sizes[s] && raw.open() == sizes[s];
        storeKeptUp &= relay.caughtUp() == sizes[s];
      }
    }
    int last = sizes.length - 1;
    Spread heapPerAgent = over(repetitions, r -> beyondRaw(r, last, Reading::heapBytes) / 1024);
    Spread relayCpuAtLargest = over(repetitions, r -> r.get(Side.RELAY).get(last).cpuPercent());
    Spread rawCpuAtLargest = over(repetitions, r -> r.get(Side.RAW).get(last).cpuPercent());
    Spread relayPerAgent = over(repetitions, r -> perAgent(r.get(Side.RELAY), last, Reading::heapBytes) / 1024);
    Spread rawPerConnection = over(repetitions, r -> perAgent(r.get(Side.RAW), last, Reading::heapBytes) / 1024);
    Spread rssPerAgent = over(repetitions, r -> beyondRaw(r, last, Reading::rssBytes) / 1024);
    // CPU ms per heartbeat: the relay's CPU beyond its own at rest, over the pings its agents sent.
    double pingsPerSecond = largest * 1000.0 / pingIntervalMs;
    // The same pings through the raw TLS server: relay over that floor, as a ratio and in points of a core.
    Spread cpuOverFloor = over(repetitions, r -> r.get(Side.RELAY).get(last).cpuPercent() / r.get(Side.RAW).get(last).cpuPercent());
    Spread cpuAboveFloor = over(repetitions, r -> r.get(Side.RELAY).get(last).cpuPercent() - r.get(Side.RAW).get(last).cpuPercent());
    Spread cpuPerHeartbeat = over(repetitions, r -> (r.get(Side.RELAY).get(last).cpuPercent()
        - r.get(Side.RELAY).get(0).cpuPercent()) * 10.0 / pingsPerSecond);
    JsonArray growth = repetitions.isEmpty() ? new JsonArray() : growthByClass(repetitions.get(0), 10);

    JsonArray rounds = new JsonArray();
    for (int i = 0; i < repetitions.size(); i++) {
      JsonObject round = new JsonObject().put("repetition", i + 1).put("first", i % 2 == 0 ? "relay" : "raw");
      for (Side side : Side.values()) {
        JsonArray readings = new JsonArray();
        repetitions.get(i).get(side).forEach(reading -> readings.add(reading.toJson()));
        round.put(side.name().toLowerCase(java.util.Locale.ROOT), readings);
      }
      rounds.add(round);
    }
    JsonObject targets = new JsonObject()
        .put("heapPerAgentBeyondRawKiB", Targets.atMost(heapPerAgent.median(), TARGET_HEAP_PER_AGENT_KIB,
            "<= " + (int) TARGET_HEAP_PER_AGENT_KIB + " KiB heap per agent beyond a raw TLS connection, at " + largest + " agents"))
        .put("idleCpuPercentOfCore", Targets.below(relayCpuAtLargest.median(), TARGET_IDLE_CPU_PERCENT,
            "< " + (int) TARGET_IDLE_CPU_PERCENT + " % of one core with " + largest + " idle agents"))
        .put("everyAgentConnected", Targets.holds(allConnected, allConnected,
            "every agent registered and reported online by the cloud, every raw connection open, at each size"));
    JsonArray headlines = new JsonArray()
        .add(String.format("heap per agent beyond raw TLS at %d: %s KiB (relay %s KiB per agent, raw %s KiB per connection;"
            + " median [min, max] of %d repetitions)", largest, heapPerAgent.brief(), relayPerAgent.brief(),
            rawPerConnection.brief(), heapPerAgent.n()))
        .add(String.format("RSS per agent beyond raw TLS at %d: %s KiB", largest, rssPerAgent.brief()))
        .add(String.format("idle CPU at %d agents: relay %s %% of one core, raw TLS at the same pings %s %%"
            + " (relay / raw %s, relay - raw %s points); relay CPU per heartbeat %s ms (a ping every %d ms per agent)",
            largest, relayCpuAtLargest.brief(), rawCpuAtLargest.brief(), cpuOverFloor.brief(), cpuAboveFloor.brief(),
            cpuPerHeartbeat.brief(), pingIntervalMs));
    if (!repetitions.isEmpty()) {
      Cpu relay = repetitions.get(0).get(Side.RELAY).get(last).cpu();
      headlines.add(String.format("relay at %d, first repetition: %s %% of one core over %d windows of %d ms; by thread"
          + " kind %s", largest, relay.windows().brief(), relay.windows().n(), settings.cpuWindowMs(),
          relay.toJson().getJsonObject("byThreadKindPercentOfCore").encode()));
    }
    return new JsonObject()
        .put("name", "idle-agents")
        .put("mode", mode.label())
        .put("settings", settings.toJson(pingIntervalMs))
        .put("perAgentFormula", "((relay(N) - relay(0)) - (raw(N) - raw(0))) / N, per repetition, at each size N")
        .put("seedMs", seedMs)
        .put("totalMs", totalMs)
        .put("budgetCut", budgetCut)
        .put("relayStoreKeptUp", storeKeptUp)
        .put("heapPerAgentBeyondRawKiB", heapBeyondRaw)
        .put("rssPerAgentBeyondRawKiB", rssBeyondRaw)
        .put("relayHeapMiB", relayHeapMib)
        .put("rawHeapMiB", rawHeapMib)
        .put("relayRssMiB", relayRssMib)
        .put("rawRssMiB", rawRssMib)
        .put("relayIdleCpuPercentOfCore", relayCpu)
        .put("relayIdleCpuAtLargest", repetitions.isEmpty() ? null
            : repetitions.get(0).get(Side.RELAY).get(last).cpu().toJson())
        .put("rawIdleCpuPercentOfCore", rawCpu)
        .put("relayOverRawCpuAtLargest", cpuOverFloor.toJson())
        .put("relayAboveRawCpuPointsAtLargest", cpuAboveFloor.toJson())
        .put("relayCpuMsPerHeartbeat", cpuPerHeartbeat.toJson())
        .put("relayHeapGrowthBeyondRawByClass", growth)
        .put("rounds", rounds)
        .put("targets", targets)
        .put("headlines", headlines)
        .put("limits", limits(growth, cpuPerHeartbeat, relayCpuAtLargest, largest, pingIntervalMs));
  }

  /** Bytes per agent that the relay holds beyond what raw TLS holds, at sizes[index], in one repetition. */
  private double beyondRaw(Map<Side, List<Reading>> rep, int index, java.util.function.ToLongFunction<Reading> figure) {
    return perAgent(rep.get(Side.RELAY), index, figure) - perAgent(rep.get(Side.RAW), index, figure);
  }

  private double perAgent(List<Reading> readings, int index, java.util.function.ToLongFunction<Reading> figure) {
    return (double) (figure.applyAsLong(readings.get(index)) - figure.applyAsLong(readings.get(0))) / settings.sizes()[index];
  }

  private static Spread over(List<Map<Side, List<Reading>>> repetitions,
      java.util.function.ToDoubleFunction<Map<Side, List<Reading>>> figure) {
    return Spread.of(repetitions.stream().map(figure::applyAsDouble).toList());
  }

  /**
   * The classes whose live bytes grew most from no agent to the most, per agent beyond what they
   * grew per raw connection (the first repetition).
   */
  private JsonArray growthByClass(Map<Side, List<Reading>> rep, int top) {
    Map<String, Double> growth = new HashMap<>();
    for (Side side : Side.values()) {
      List<Reading> readings = rep.get(side);
      Map<String, Long> before = readings.get(0).histogram().bytesByClass();
      int sign = side == Side.RELAY ? 1 : -1;
      readings.get(readings.size() - 1).histogram().bytesByClass().forEach((c, bytes) ->
          growth.merge(c, sign * (double) (bytes - before.getOrDefault(c, 0L)) / settings.largest(), Double::sum));
    }
    JsonArray list = new JsonArray();
    growth.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())).limit(top)
        .forEach(e -> list.add(new JsonObject().put("class", e.getKey()).put("bytesPerAgent", Spread.round(e.getValue()))));
    return list;
  }

  private static String limits(JsonArray growth, Spread cpuPerHeartbeat, Spread cpu, int largest, long pingIntervalMs) {
    StringBuilder top = new StringBuilder();
    for (int i = 0; i < Math.min(5, growth.size()); i++) {
      JsonObject c = growth.getJsonObject(i);
      top.append(i == 0 ? "" : ", ").append(c.getString("class")).append(' ').append(c.getValue("bytesPerAgent")).append(" B");
    }
    return String.format("Heap: per agent beyond raw TLS, the cloud's live heap grew most in %s (class histograms at %d and 0). "
        + "Idle CPU: %s %% of a core at %d agents, %s ms per heartbeat; each agent pings every %d ms and the cloud answers "
        + "with a pong; its store gets an agent's row only when the agent's reported load changes, and the node's own "
        + "liveness once a second (HeartbeatRecorder).",
        top, largest, cpu.brief(), largest, cpuPerHeartbeat.brief(), pingIntervalMs);
  }

  private static void progress(String format, long started) {
    System.err.println("idle-agents: " + String.format(format, (System.nanoTime() - started) / 1e9));
  }

}
