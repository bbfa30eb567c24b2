package com.pmsrelay.bench;

import com.pmsrelay.common.VertxRuntime;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Does one integrator's flood hurt another's queries at the same practice? Integrator B (online
 * booking) sends primary-key lookups holding the database 5 ms, open-loop at a modest rate.
 * Integrator A (bulk sync) sends similar lookups holding it 40 ms, each with other parameters (no
 * sharing of identical queries), open-loop at a multiple of what the practice can serve A (A may
 * hold cap - 1 slots: (cap - 1) / 40 ms). Phases alternate in pairs: B alone, then B while A
 * floods. Reported: B's latency and success, A's answers by status and code, the concurrency the
 * database saw ({@link DbHold}), the agent's adaptive limit and the CPU the process used.
 *
 * <p>Variants: {@code noisy} is the benchmark (HTTP, cloud, bridge, agent; A at 20x);
 * {@code noisy-agent} sends the same traffic straight into the agent's executor (the agent's
 * protection alone); {@code noisy-mild} is the full path with A at 2x (the path when the cloud's
 * edge is not saturated).
 */
final class NoisyNeighbourBench {
  static final int B_HOLD_MS = 5;
  static final int A_HOLD_MS = 40;
  /** One-row views whose every read calls HOLD(B_HOLD_MS, 0) and HOLD(A_HOLD_MS, 1) (see BenchRelay). */
  static final String B_HOLD_VIEW = "BenchHoldB";
  static final String A_HOLD_VIEW = "BenchHoldA";
  static final String B_SQL = "SELECT p.PatientId, p.Surname FROM dbo.Patients p CROSS JOIN dbo." + B_HOLD_VIEW
      + " h WHERE p.PatientId = ? AND h.Held = 0";
  static final String A_SQL = "SELECT p.PatientId, p.Surname, p.DOB, p.MedicareNo FROM dbo.Patients p CROSS JOIN dbo."
      + A_HOLD_VIEW + " h WHERE p.PatientId = ? AND h.Held = 1";
  static final double TARGET_P99_RATIO = 1.5;
  static final double TARGET_B_SUCCESS = 0.99;
  /** Both integrators ask for these (execution, and waiting in the practice's queue). */
  static final int QUERY_TIMEOUT_MS = 2_000;
  /** The relay answers within both time-outs plus its 2 s slack; a client waiting longer sees a time-out. */
  static final long CLIENT_TIMEOUT_MS = 2L * QUERY_TIMEOUT_MS + 2_000 + 1_000;
  static final int A_RATE_PER_MINUTE = 6_000;
  static final int B_RATE_PER_MINUTE = 60_000;

  /** Which path the queries take, and how hard A floods. */
  enum Variant {
    HTTP("noisy", true, 20, "HTTP -> cloud -> TLS bridge -> agent -> H2"),
    AGENT("noisy-agent", false, 20, "straight into the agent's QueryExecutor -> H2 (no HTTP, cloud or bridge)"),
    MILD("noisy-mild", true, 2, "HTTP -> cloud -> TLS bridge -> agent -> H2, A at only 2x its capacity");

    final String benchName;
    final boolean viaCloud;
    final double floodFactor;
    final String path;

    Variant(String benchName, boolean viaCloud, double floodFactor, String path) {
      this.benchName = benchName;
      this.viaCloud = viaCloud;
      this.floodFactor = floodFactor;
      this.path = path;
    }
  }

  record Settings(int patients, int pairs, long phaseMs, long warmupMs, double bRatePerSecond, double floodFactor,
      long settleMs, long budgetMs) {
    static Settings of(Variant variant, BenchMode mode) {
      boolean main = variant == Variant.HTTP;
      return switch (mode) {
        case FULL -> main ? new Settings(3_000, 5, 8_000, 4_000, 50, variant.floodFactor, 500, 200_000)
            : new Settings(3_000, 5, 5_000, 2_000, 50, variant.floodFactor, 300, 75_000);
        case FAST -> main ? new Settings(3_000, 3, 2_000, 1_500, 50, variant.floodFactor, 300, 80_000)
            : new Settings(3_000, 3, 2_000, 1_500, 50, variant.floodFactor, 200, 30_000);
        case TINY -> new Settings(300, 1, 400, 0, 20, Math.min(2, variant.floodFactor), 50, 30_000);
      };
    }
  }

  private final Variant variant;

  NoisyNeighbourBench(Variant variant) {
    this.variant = variant;
  }

  JsonObject run(BenchMode mode, Path workDir) throws Exception {
    Settings s = Settings.of(variant, mode);
    long started = System.nanoTime();
    DbHold.reset();
    Path dir = Files.createDirectories(workDir.resolve(variant.benchName + "-" + System.nanoTime()));
    // One event loop each: all of a generator's work (timers, HTTP client) runs on one known thread.
    Vertx loadB = VertxRuntime.create(new VertxOptions().setEventLoopPoolSize(1));
    Vertx loadA = VertxRuntime.create(new VertxOptions().setEventLoopPoolSize(1));
    long[] generatorThreads = {eventLoopThread(loadB), eventLoopThread(loadA)};
    try (BenchRelay relay = variant.viaCloud
        ? BenchRelay.start(dir, s.patients(), new BenchRelay.Grants(A_RATE_PER_MINUTE, B_RATE_PER_MINUTE))
        : BenchRelay.agentOnly(s.patients())) {
      double aCapacity = (relay.cap - 1) * 1000.0 / A_HOLD_MS;
      double aRate = s.floodFactor() * aCapacity;
      IntFunction<JsonArray> bParams = i -> new JsonArray().add(1 + Math.floorMod(i * 7919L, s.patients()));
      IntFunction<JsonArray> aParams = i -> new JsonArray().add(1 + Math.floorMod(i * 104_729L + 17, s.patients()));
      QueryTarget b;
      QueryTarget a;
      WebClient health = null;
      if (variant.viaCloud) {
        String path = "/v1/practices/" + relay.practiceId + "/queries";
        WebClient clientB = HttpQueryTarget.client(loadB, relay.httpPort());
        WebClient clientA = HttpQueryTarget.client(loadA, relay.httpPort());
        health = clientB;
        b = new HttpQueryTarget(clientB, path, HttpQueryTarget.accessToken(clientB, relay.integratorB),
            i -> query(B_SQL, bParams.apply(i)), CLIENT_TIMEOUT_MS);
        a = new HttpQueryTarget(clientA, path, HttpQueryTarget.accessToken(clientA, relay.integratorA),
            i -> query(A_SQL, aParams.apply(i)), CLIENT_TIMEOUT_MS);
      } else {
        b = new AgentQueryTarget(loadB, relay.executor, relay.integratorB.clientId(), B_SQL, bParams, QUERY_TIMEOUT_MS,
            CLIENT_TIMEOUT_MS);
        a = new AgentQueryTarget(loadA, relay.executor, relay.integratorA.clientId(), A_SQL, aParams, QUERY_TIMEOUT_MS,
            CLIENT_TIMEOUT_MS);
      }
      PhaseRunner load = new PhaseRunner(relay, loadB, loadA, b, a, s.bRatePerSecond(), aRate, s.settleMs(), health,
          generatorThreads);
      progress("set up in %.1f s", started);
      if (s.warmupMs() > 0) { // JIT, connection pools, and A's rate bucket down to its steady state
        load.phase(s.warmupMs(), false);
        load.phase(s.warmupMs(), true);
        progress("warmed up at %.1f s", started);
      }
      List<NoisyPhase[]> pairs = new ArrayList<>();
      boolean cut = false;
      for (int i = 0; i < s.pairs(); i++) {
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        if (elapsedMs + 2 * s.phaseMs() + CLIENT_TIMEOUT_MS > s.budgetMs()) {
          cut = true; // stay inside the time budget: report fewer pairs rather than overrun
          break;
        }
        pairs.add(new NoisyPhase[] {load.phase(s.phaseMs(), false), load.phase(s.phaseMs(), true)});
        progress("pair " + (i + 1) + " of " + s.pairs() + " done at %.1f s", started);
      }
      JsonObject result = NoisyNeighbourReport.of(variant, mode, s, relay.cap, aCapacity, aRate, pairs, cut);
      if (variant.viaCloud && relay.cloud.monitor() != null) {
        Thread.sleep(500); // the suspicious-activity monitor (as shipped) has seen every attempt: did any alert?
        result.put("monitorAlerts", relay.cloud.alerts().list(null, false, 1_000).await().size());
      }
      result.put("runSeconds", Spread.round((System.nanoTime() - started) / 1e9));
      return result;
    } finally {
      loadA.close().await();
      loadB.close().await();
    }
  }

  private void progress(String format, long started) {
    System.err.println(variant.benchName + ": " + String.format(format, (System.nanoTime() - started) / 1e9));
  }

  /** The id of the one event-loop thread of {@code vertx}. */
  private static long eventLoopThread(Vertx vertx) {
    Promise<Long> id = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> id.complete(Thread.currentThread().getId()));
    return id.future().await();
  }

  private static JsonObject query(String sql, JsonArray params) {
    return new JsonObject().put("sql", sql).put("params", params)
        .put("timeoutMs", QUERY_TIMEOUT_MS).put("queueTimeoutMs", QUERY_TIMEOUT_MS);
  }
}
