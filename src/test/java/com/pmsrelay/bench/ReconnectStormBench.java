package com.pmsrelay.bench;

import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.common.VertxRuntime;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How fast a cloud node takes its agents back: N simulated agents ({@link SimAgent}) connect,
 * authenticate and register all at once, as after a restart of the cloud, against N plain TLS
 * connections opened all at once to the raw server ({@link RawTlsServer}); both servers in their
 * own JVMs, started once, with the same certificate. The figure is the time from the first
 * connect until the last connection is done (agent: registered; raw: handshake done), per
 * alternating pair (raw, relay; relay, raw; …), as the ratio relay / raw.
 *
 * <p>Every connection does a full TLS handshake (a fresh client per round, a peer host per
 * connection: no session to resume). A failed attempt is retried with the agent's backoff until
 * the round's deadline. After each relay round the cloud's own API must report all N agents
 * online, and before the next it must report none (all disconnected): no registration lost.
 */
final class ReconnectStormBench {
  static final double TARGET_RATIO = 3;
  static final int WARMUP_IN_FLIGHT = 64;
  /** AgentSession's warning when it closes an agent's socket; the reason is ours, never a secret. */
  private static final Pattern REFUSED = Pattern.compile("closing agent socket from \\S+: (.+)$");

  /**
   * Warm-up rounds only bring the servers' and this JVM's code up to speed: {@code warmupAgents}
   * each, {@link #WARMUP_IN_FLIGHT} at a time (cold, a storm mostly times out).
   */
  record Settings(int agents, int warmups, int warmupAgents, int pairs, long deadlineMs, long budgetMs) {
    static Settings of(BenchMode mode) {
      return switch (mode) {
        case FULL -> new Settings(5_000, 1, 2_000, 5, 60_000, 480_000);
        case FAST -> new Settings(500, 1, 200, 2, 20_000, 45_000);
        case TINY -> new Settings(100, 0, 0, 1, 20_000, 30_000);
      };
    }

    JsonObject toJson() {
      return new JsonObject().put("agents", agents).put("warmups", warmups).put("warmupAgents", warmupAgents)
          .put("pairs", pairs).put("deadlineMs", deadlineMs).put("budgetMs", budgetMs)
          .put("childJvmFlags", String.join(" ", ChildJvm.flags()));
    }
  }

  private final Settings settings;
  private long started;

  ReconnectStormBench(BenchMode mode) {
    this.settings = Settings.of(mode);
  }

  JsonObject run(BenchMode mode, Path work) throws Exception {
    started = System.nanoTime();
    Vertx vertx = VertxRuntime.create();
    try {
      SeededCloud seeded = SeededCloud.seed(vertx, work.resolve("reconnect-storm"), settings.agents());
      try (SeededCloud.Running cloud = seeded.start(); RawTlsServer.Running raw = RawTlsServer.start(work, seeded.tls())) {
        String pin = seeded.tls().fingerprintSha256();
        AgentConfig agent = SimAgent.defaults(cloud.port(), pin);
        Storm relay = new Storm(vertx, cloud, agent.cloud(), new SimAgent(vertx, seeded.practices(), agent.pingIntervalMs()),
            cloud.api());
        Storm baseline = new Storm(vertx, raw, SimAgent.defaults(raw.port(), pin).cloud(), Swarm::tlsOnly, null);
        progress("set up at %.1f s");
        List<AlternatingPairs.Pair> pairs = AlternatingPairs.measure(baseline, relay, settings.warmups(), settings.pairs());
        return result(mode, pairs, relay, baseline);
      }
    } finally {
      vertx.close().await();
    }
  }

  /** One side's storms: each run opens N connections at once through a fresh client. */
  private final class Storm implements AlternatingPairs.Block {
    final Vertx vertx;
    final ChildJvm.Server server;
    final AgentConfig.CloudLink link;
    final Swarm.Opener opener;
    final CloudApi api;
    /** Each run's details, in the order run (warm-ups first). */
    final List<JsonObject> rounds = new ArrayList<>();
    private Swarm swarm;
    private Swarm.Outcome outcome;
    private JsonObject round;
    private int logLinesBefore;

    Storm(Vertx vertx, ChildJvm.Server server, AgentConfig.CloudLink link, Swarm.Opener opener, CloudApi api) {
      this.vertx = vertx;
      this.server = server;
      this.link = link;
      this.opener = opener;
      this.api = api;
    }

    String label() {
      return api == null ? "raw" : "relay";
    }

    boolean warmingUp() {
      return rounds.size() < settings.warmups();
    }

    /** How many connect in this round: fewer in the warm-ups. */
    int size() {
      return warmingUp() ? settings.warmupAgents() : settings.agents();
    }

    @Override
    public void before() throws Exception {
      round = new JsonObject();
      logLinesBefore = server.jvm().logLines().size();
      if (api != null) {
        // The previous round's agents are gone at the cloud: whatever is online after this round came with it.
        round.put("onlineAtCloudBefore", api.awaitOnline(0, Duration.ofSeconds(30)));
      }
    }

    @Override
    public AlternatingPairs.Run run() throws Exception {
      // Over the budget, rounds are skipped; but each side runs its warm-ups and one measured round.
      if (rounds.size() > settings.warmups() && (System.nanoTime() - started) / 1_000_000 > settings.budgetMs()) {
        outcome = null;
        return new AlternatingPairs.Run(0, 0, new LatencyRecorder(), null);
      }
      swarm = new Swarm(vertx, link, opener);
      long[] overflowsBefore = listenOverflows();
      long cpuBefore = server.jvm().cpuNanos();
      outcome = swarm.growTo(size(), warmingUp() ? WARMUP_IN_FLIGHT : size(), Duration.ofMillis(settings.deadlineMs()));
      long serverCpuNanos = server.jvm().cpuNanos() - cpuBefore;
      long[] overflowsAfter = listenOverflows();
      round.put("serverCpuMs", Spread.round(serverCpuNanos / 1e6))
          .put("serverCpuMsPerConnection", Spread.round(serverCpuNanos / 1e6 / Math.max(1, outcome.done())))
          .put("listenOverflows", overflowsAfter[0] - overflowsBefore[0]).put("listenDrops", overflowsAfter[1] - overflowsBefore[1]);
      return new AlternatingPairs.Run(outcome.done(), outcome.failed(), outcome.timeToDone(), null);
    }

    @Override
    public void after() throws Exception {
      if (outcome == null) {
        rounds.add(round.put("skipped", "over the time budget"));
        return;
      }
      round.mergeIn(outcome.toJson());
      if (api != null) {
        long checkStart = System.nanoTime();
        int online = api.awaitOnline(size(), Duration.ofSeconds(30));
        round.put("onlineAtCloud", online).put("onlineAtCloudWithinMs", Spread.round((System.nanoTime() - checkStart) / 1e6))
            .put("socketsClosedByServer", refusalsInLog(server.jvm().logLines(), logLinesBefore));
      }
      swarm.close();
      rounds.add(round);
      progress(label() + " storm " + rounds.size() + ": " + outcome.done() + " of " + outcome.requested() + " done in "
          + round.getValue("allDoneMs") + " ms, at %.1f s");
    }

    private List<JsonObject> measuredRounds() {
      return rounds.subList(Math.min(settings.warmups(), rounds.size()), rounds.size());
    }

    long sum(String field) {
      return measuredRounds().stream().mapToLong(r -> r.getLong(field, 0L)).sum();
    }

    /** Failure causes starting with {@code prefix}, summed over the measured rounds. */
    int sumOfCauses(String prefix) {
      int sum = 0;
      for (JsonObject r : measuredRounds()) {
        JsonObject causes = r.getJsonObject("failureCauses", new JsonObject());
        for (String cause : causes.fieldNames()) {
          sum += cause.startsWith(prefix) ? causes.getInteger(cause) : 0;
        }
      }
      return sum;
    }

    /** The sockets the cloud closed, by reason, over the measured rounds. */
    JsonObject closedByServer() {
      JsonObject sum = new JsonObject();
      for (JsonObject r : measuredRounds()) {
        r.getJsonObject("socketsClosedByServer", new JsonObject()).forEach(e ->
            sum.put(e.getKey(), sum.getInteger(e.getKey(), 0) + (Integer) e.getValue()));
      }
      return sum;
    }

    /** Whether every agent of every round was registered and the cloud said so, before and after. */
    boolean lostNone() {
      return !rounds.isEmpty() && rounds.stream().filter(r -> !r.containsKey("skipped")).allMatch(r -> r.getInteger("failed") == 0
          && (api == null || r.getInteger("onlineAtCloud").equals(r.getInteger("done")) && r.getInteger("onlineAtCloudBefore") == 0));
    }
  }

  /** The cloud's log of sockets it closed (AgentSession.refuse), counted by reason, from line {@code from}. */
  private static JsonObject refusalsInLog(List<String> log, int from) {
    JsonObject reasons = new JsonObject();
    for (String line : log.subList(Math.min(from, log.size()), log.size())) {
      Matcher m = REFUSED.matcher(line);
      if (m.find()) {
        reasons.put(m.group(1), reasons.getInteger(m.group(1), 0) + 1);
      }
    }
    return reasons;
  }

  /** Time until the last connection was done, in ms; NaN if any was not (the figure would flatter). */
  private double allDoneMs(AlternatingPairs.Run run) {
    return run.operations() < settings.agents() ? Double.NaN : run.latency().percentileMillis(100);
  }

  private JsonObject result(BenchMode mode, List<AlternatingPairs.Pair> pairs, Storm relay, Storm raw) {
    Spread ratio = AlternatingPairs.ratio(pairs, this::allDoneMs);
    Spread relayMs = AlternatingPairs.of(pairs, true, this::allDoneMs);
    Spread rawMs = AlternatingPairs.of(pairs, false, this::allDoneMs);
    ToDoubleFunction<AlternatingPairs.Run> perSecond = r -> settings.agents() * 1000.0 / allDoneMs(r);
    Spread relayPerSecond = AlternatingPairs.of(pairs, true, perSecond);
    Spread rawPerSecond = AlternatingPairs.of(pairs, false, perSecond);
    Spread relayServerCpu = measured(relay, "serverCpuMsPerConnection");
    Spread rawServerCpu = measured(raw, "serverCpuMsPerConnection");
    boolean lostNone = relay.lostNone() && raw.lostNone();
    long retries = relay.sum("retries");

    JsonArray rounds = new JsonArray();
    for (int i = 0; i < pairs.size(); i++) {
      int index = settings.warmups() + i;
      rounds.add(new JsonObject().put("pair", i + 1).put("first", i % 2 == 0 ? "raw" : "relay")
          .put("raw", pairs.get(i).baseline().toJson().mergeIn(raw.rounds.get(index)))
          .put("relay", pairs.get(i).candidate().toJson().mergeIn(relay.rounds.get(index))));
    }
    JsonArray warmups = new JsonArray();
    for (int i = 0; i < settings.warmups(); i++) {
      warmups.add(new JsonObject().put("raw", raw.rounds.get(i)).put("relay", relay.rounds.get(i)));
    }
    int n = settings.agents();
    JsonObject targets = new JsonObject()
        .put("stormRatio", Targets.atMost(ratio.median(), TARGET_RATIO,
            "<= " + (int) TARGET_RATIO + "x the time of " + n + " raw TLS connects (median of pairs)"))
        .put("noRegistrationLost", Targets.holds(lostNone, lostNone, "every agent of every storm registered, and the cloud's "
            + "API reports all " + n + " online after each storm (none before)"));
    JsonArray headlines = new JsonArray()
        .add(String.format("%d agents at once: relay/raw time %s (median [min, max] of %d pairs)", n, ratio.brief(), ratio.n()))
        .add(String.format("all done in: relay %s ms, raw %s ms; handshakes/s: relay %s, raw %s", relayMs.brief(), rawMs.brief(),
            relayPerSecond.brief(), rawPerSecond.brief()))
        .add(String.format("server CPU per connection: relay %s ms, raw %s ms; agent retries over the measured storms: %d",
            relayServerCpu.brief(), rawServerCpu.brief(), retries));
    return new JsonObject()
        .put("name", "reconnect-storm")
        .put("mode", mode.label())
        .put("settings", settings.toJson())
        .put("runSeconds", Spread.round((System.nanoTime() - started) / 1e9))
        .put("ratioRelayToRaw", ratio.toJson())
        .put("relayAllDoneMs", relayMs.toJson())
        .put("rawAllDoneMs", rawMs.toJson())
        .put("relayHandshakesPerSecond", relayPerSecond.toJson())
        .put("rawHandshakesPerSecond", rawPerSecond.toJson())
        .put("relayServerCpuMsPerConnection", relayServerCpu.toJson())
        .put("rawServerCpuMsPerConnection", rawServerCpu.toJson())
        .put("agentRetries", retries)
        .put("pairs", rounds)
        .put("warmups", warmups)
        .put("targets", targets)
        .put("headlines", headlines)
        .put("limits", limits(relayServerCpu, rawServerCpu, relay, raw));
  }

  /** One figure of a side's measured rounds (warm-ups and skipped rounds left out). */
  private static Spread measured(Storm storm, String field) {
    return Spread.of(storm.measuredRounds().stream().filter(r -> r.getValue(field) instanceof Number)
        .map(r -> r.getDouble(field)).toList());
  }

  private String limits(Spread relayCpu, Spread rawCpu, Storm relay, Storm raw) {
    return String.format("CPU-bound: both servers and this JVM's %d TLS clients share %d cores, every handshake a full one. "
        + "Per connection the cloud spent %s ms of CPU, the raw server %s ms (median of rounds). Over the measured rounds, "
        + "attempts retried after a failed TLS handshake (10 s time-out): relay %d, raw %d; sockets the cloud closed, by "
        + "reason: %s; listen-queue overflows: relay %d, raw %d.",
        settings.agents(), Runtime.getRuntime().availableProcessors(), relayCpu.brief(), rawCpu.brief(),
        relay.sumOfCauses("retried: SSLHandshakeException"), raw.sumOfCauses("retried: SSLHandshakeException"),
        relay.closedByServer().encode(), relay.sum("listenOverflows"), raw.sum("listenOverflows"));
  }

  /** The machine's TCP ListenOverflows and ListenDrops so far ({@code /proc/net/netstat}); zeros where unknown. */
  static long[] listenOverflows() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/net/netstat")).stream().filter(l -> l.startsWith("TcpExt:")).toList();
      List<String> names = Arrays.asList(lines.get(0).split("\\s+"));
      String[] values = lines.get(1).split("\\s+");
      return new long[] {Long.parseLong(values[names.indexOf("ListenOverflows")]), Long.parseLong(values[names.indexOf("ListenDrops")])};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  private void progress(String format) {
    System.err.println("reconnect-storm: " + String.format(format, (System.nanoTime() - started) / 1e9));
  }

}
