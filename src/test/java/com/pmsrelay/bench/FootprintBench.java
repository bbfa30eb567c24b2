package com.pmsrelay.bench;

import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.common.VertxRuntime;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Footprint on the practice server. Agent processes ({@link AgentProcess}: their own JVMs with the
 * shipped flags {@link AgentJvmFlags#SHIPPED}) dial a cloud node in this JVM over TLS and read the
 * demo PMS from an H2 TCP server in this JVM ({@link PmsServer}), as they would the practice's SQL
 * Server. Two ways of serving N integrators at a practice run side by side: one agent with all N
 * granted ("one"), and N agents, each of its own practice with one integrator ("separate", the
 * world before pms-relay: one local agent per integration).
 *
 * <p>Idle: once every agent has connected and settled (its CPU below 2 % of a core over a second:
 * start-up, the guard's warm-up and the JIT are over), each agent's VmRSS and its CPU over a window.
 * Load: every integrator sends the same light open-loop mix of lookups through the cloud's HTTP
 * API, in blocks that alternate between the two ways (one then separate, separate then one, …)
 * after a warm-up block of each; per block, the summed VmRSS of that way's agents at its end and
 * their summed CPU over it, and per pair the ratio separate / one. The processes live for the whole
 * run, as a service does, so the blocks measure their steady state, not their start-up. A further
 * agent with Native Memory Tracking, idle throughout, says where the memory goes ({@code limits}).
 */
final class FootprintBench {
  static final double TARGET_IDLE_RSS_MB = 128;
  static final double TARGET_IDLE_CPU_PERCENT = 1;
  static final double TARGET_MEMORY_RATIO = 5;
  /** An agent has settled when it used at most this many ticks (1/100 s) over the last second. */
  static final int SETTLED_TICKS_PER_SECOND = 2;
  static final long CLIENT_TIMEOUT_MS = 10_000;
  /** The grants' default rate: far above the load, so no query is refused for it. */
  static final int RATE_PER_MINUTE = 600;

  record Settings(int integrators, int pairs, int patients, double queriesPerSecond, long idleMs, long warmupMs,
      long blockMs, long settleMaxMs, long budgetMs, boolean nativeMemory) {
    static Settings of(BenchMode mode) {
      return switch (mode) {
        case FULL -> new Settings(10, 5, 3_000, 2, 8_000, 3_000, 8_000, 45_000, 175_000, true);
        case FAST -> new Settings(4, 2, 3_000, 2, 3_000, 0, 3_000, 15_000, 45_000, false);
        case TINY -> new Settings(2, 1, 300, 2, 1_000, 0, 1_500, 6_000, 20_000, false);
      };
    }
  }

  /** Every agent process of the run: the one agent, the separate agents, the diagnostic one last. */
  private final List<AgentProcess> processes = new ArrayList<>();

  JsonObject run(BenchMode mode, Path workDir) throws Exception {
    Settings s = Settings.of(mode);
    long started = System.nanoTime();
    Path dir = Files.createDirectories(workDir.resolve("footprint-" + System.nanoTime()));
    Vertx load = VertxRuntime.create(new VertxOptions().setEventLoopPoolSize(1));
    try (PmsServer pms = PmsServer.start(s.patients()); BenchCloud cloud = BenchCloud.start(dir.resolve("cloud"))) {
      progress("cloud and database ready at %.1f s", started);
      try {
        List<AgentGroup> ways = startAgents(s, cloud, pms, HttpQueryTarget.client(load, cloud.httpPort()), dir);
        AgentGroup one = ways.get(0);
        AgentGroup separate = ways.get(1);
        progress("%d agents connected at %.1f s", started, processes.size());
        long settleMs = settle(s.settleMaxMs());
        progress(settleMs >= 0 ? "settled at %.1f s" : "not settled, going on at %.1f s", started);
        List<AgentProcess> measured = processes.subList(0, 1 + s.integrators());
        List<AgentGroup.Usage> idle = idle(measured, s.idleMs());
        progress("idle measured at %.1f s", started);
        if (s.warmupMs() > 0) { // the JIT and the connection pools, for the pairs' steady state
          one.load(load, s.queriesPerSecond(), s.warmupMs());
          separate.load(load, s.queriesPerSecond(), s.warmupMs());
          progress("warmed up at %.1f s", started);
        }
        List<FootprintReport.Pair> pairs = new ArrayList<>();
        boolean cut = false;
        for (int i = 0; i < s.pairs(); i++) {
          long elapsedMs = (System.nanoTime() - started) / 1_000_000;
          if (i > 0 && elapsedMs + 2 * s.blockMs() + 5_000 > s.budgetMs()) {
            cut = true; // stay inside the time budget: report fewer pairs rather than overrun
            break;
          }
          boolean oneFirst = i % 2 == 0;
          FootprintReport.Block first = block(oneFirst ? one : separate, load, s);
          FootprintReport.Block second = block(oneFirst ? separate : one, load, s);
          pairs.add(oneFirst ? new FootprintReport.Pair(first, second, true)
              : new FootprintReport.Pair(second, first, false));
          progress("pair " + (i + 1) + " of " + s.pairs() + " done at %.1f s", started);
        }
        AgentProcess diagnostic = processes.get(processes.size() - 1);
        JsonObject nativeMemory = s.nativeMemory() ? NativeMemory.summary(diagnostic.pid()) : null;
        JsonObject result = FootprintReport.of(mode, s, settings(s), settleMs, idle, pairs, cut, nativeMemory);
        return result.put("runSeconds", Spread.round((System.nanoTime() - started) / 1e9));
      } finally {
        for (AgentProcess p : processes) {
          p.close();
        }
      }
    } finally {
      load.close().await();
    }
  }

  /**
   * Creates the practices, integrators and grants, starts every agent process at once (they
   * compete for the CPU only until they settle) and waits until each has connected; answers the
   * two ways of serving the integrators: one agent, and the separate agents.
   */
  private List<AgentGroup> startAgents(Settings s, BenchCloud cloud, PmsServer pms, WebClient http, Path dir)
      throws Exception {
    PracticeStore.Created shared = cloud.practice("One agent, every integrator");
    List<PracticeStore.Created> practices = new ArrayList<>(List.of(shared));
    List<QueryTarget> oneTargets = new ArrayList<>();
    List<QueryTarget> separateTargets = new ArrayList<>();
    for (int k = 0; k < s.integrators(); k++) {
      IntegratorStore.Created integrator = cloud.integrator("Integrator " + (k + 1));
      PracticeStore.Created own = cloud.practice("Own agent of integrator " + (k + 1));
      practices.add(own);
      cloud.grant(shared.practiceId(), integrator.clientId(), RATE_PER_MINUTE);
      cloud.grant(own.practiceId(), integrator.clientId(), RATE_PER_MINUTE);
      String token = HttpQueryTarget.accessToken(http, integrator);
      int integratorNo = k;
      oneTargets.add(new HttpQueryTarget(http, queriesPath(shared), token,
          i -> query(integratorNo, i, s.patients()), CLIENT_TIMEOUT_MS));
      separateTargets.add(new HttpQueryTarget(http, queriesPath(own), token,
          i -> query(integratorNo, i, s.patients()), CLIENT_TIMEOUT_MS));
    }
    if (s.nativeMemory()) {
      practices.add(cloud.practice("Native memory diagnostic"));
    }
    for (int p = 0; p < practices.size(); p++) {
      List<String> flags = new ArrayList<>(AgentJvmFlags.forBenchmark());
      if (s.nativeMemory() && p == practices.size() - 1) {
        flags.add(NativeMemory.FLAG);
      }
      processes.add(AgentProcess.start("agent-" + p, agentJson(cloud, practices.get(p), pms), flags, dir));
    }
    for (int p = 0; p < practices.size(); p++) {
      awaitConnected(cloud, practices.get(p), processes.get(p));
    }
    return List.of(new AgentGroup("one", List.of(processes.get(0)), oneTargets),
        new AgentGroup("separate", processes.subList(1, 1 + s.integrators()), separateTargets));
  }

  /** Each agent's RSS and CPU over one idle window. */
  private static List<AgentGroup.Usage> idle(List<AgentProcess> agents, long windowMs) throws InterruptedException {
    List<AgentGroup.Window> windows = new ArrayList<>();
    for (AgentProcess p : agents) {
      windows.add(new AgentGroup(p.name, List.of(p), List.of()).window());
    }
    Thread.sleep(windowMs);
    List<AgentGroup.Usage> idle = new ArrayList<>();
    for (AgentGroup.Window w : windows) {
      idle.add(w.end());
    }
    return idle;
  }

  /** One group's load block: its integrators' queries, then its agents' RSS and CPU. */
  private static FootprintReport.Block block(AgentGroup group, Vertx load, Settings s) {
    AgentGroup.Window window = group.window();
    Outcomes outcomes = group.load(load, s.queriesPerSecond(), s.blockMs());
    return new FootprintReport.Block(window.end(), outcomes);
  }

  private static JsonObject agentJson(BenchCloud cloud, PracticeStore.Created practice, PmsServer pms) {
    JsonObject json = cloud.agentJson(practice);
    // kind demo only passes Main's check of the URL; FootprintAgentMain serves this URL instead.
    json.getJsonObject("pms").put("kind", "demo").put("jdbcUrl", pms.url()).put("user", PmsServer.READER)
        .put("password", pms.readerPassword).put("catalogues", new JsonArray().add(PmsServer.CATALOGUE));
    return json;
  }

  private static void awaitConnected(BenchCloud cloud, PracticeStore.Created practice, AgentProcess agent)
      throws InterruptedException {
    try {
      cloud.awaitAgent(practice.practiceId(), 90_000);
    } catch (IllegalStateException e) {
      throw new IllegalStateException(agent.name + " did not connect" + (agent.isAlive() ? "" : " (it exited)")
          + "; the end of its log:\n" + agent.logTail(), e);
    }
  }

  /** Waits until every agent used at most {@link #SETTLED_TICKS_PER_SECOND} over a second; its time. */
  private long settle(long maxMs) throws InterruptedException {
    long startedAt = System.nanoTime();
    long[] before = ticks();
    while ((System.nanoTime() - startedAt) / 1_000_000 < maxMs) {
      Thread.sleep(1_000);
      long[] now = ticks();
      boolean settled = true;
      for (int i = 0; i < now.length; i++) {
        settled &= now[i] - before[i] <= SETTLED_TICKS_PER_SECOND;
      }
      if (settled) {
        return (System.nanoTime() - startedAt) / 1_000_000;
      }
      before = now;
    }
    return -1;
  }

  private long[] ticks() {
    long[] ticks = new long[processes.size()];
    for (int i = 0; i < ticks.length; i++) {
      ticks[i] = processes.get(i).cpuTicks();
    }
    return ticks;
  }

  private static String queriesPath(PracticeStore.Created practice) {
    return "/v1/practices/" + practice.practiceId() + "/queries";
  }

  private static final String[] SURNAME_PREFIXES = {"Ng%", "Sm%", "Br%", "Wi%", "Jo%", "Ta%", "Le%", "Ma%"};

  /**
   * Integrator {@code k}'s query {@code i}: a mix of lookups (a patient by id, a patient's recent
   * appointments, patients by surname prefix, a doctor's day). Each integrator writes its own SQL
   * (its own TOP), as different integrations do, so the one agent's guard sees N times the texts.
   */
  static JsonObject query(int k, int i, int patients) {
    int patient = 1 + Math.floorMod(i * 7_919 + k * 104_729, patients);
    JsonArray params = new JsonArray();
    String sql = switch (i % 4) {
      case 0 -> {
        params.add(patient);
        yield "SELECT TOP (" + (1 + k) + ") p.PatientId, p.FirstName, p.Surname, p.DOB, p.MobilePhone "
            + "FROM dbo.Patients p WHERE p.PatientId = ?";
      }
      case 1 -> {
        params.add(patient);
        yield "SELECT TOP (" + (10 + k) + ") a.AppointmentId, a.StartsAt, a.Status, a.PractitionerId "
            + "FROM dbo.Appointments a WHERE a.PatientId = ? ORDER BY a.StartsAt DESC";
      }
      case 2 -> {
        params.add(SURNAME_PREFIXES[Math.floorMod(i + k, SURNAME_PREFIXES.length)]);
        yield "SELECT TOP (" + (20 + k) + ") p.PatientId, p.FirstName, p.Surname, p.DOB "
            + "FROM dbo.Patients p WHERE p.Surname LIKE ? ORDER BY p.Surname, p.FirstName";
      }
      default -> {
        params.add(1 + Math.floorMod(i + k, 5)).add(LocalDate.now().plusDays(Math.floorMod(i, 14)).toString());
        yield "SELECT TOP (" + (30 + k) + ") a.AppointmentId, a.PatientId, a.AppointmentTime, a.Status "
            + "FROM dbo.Appointments a WHERE a.PractitionerId = ? AND a.AppointmentDate = ? ORDER BY a.AppointmentTime";
      }
    };
    return new JsonObject().put("sql", sql).put("params", params);
  }

  private static JsonObject settings(Settings s) {
    return new JsonObject()
        .put("integrators", s.integrators())
        .put("pairs", s.pairs())
        .put("patients", s.patients())
        .put("queriesPerSecondPerIntegrator", s.queriesPerSecond())
        .put("idleWindowMs", s.idleMs())
        .put("warmupMsPerWay", s.warmupMs())
        .put("blockMs", s.blockMs())
        .put("settleMaxMs", s.settleMaxMs())
        .put("settledBelowTicksPerSecond", SETTLED_TICKS_PER_SECOND)
        .put("budgetMs", s.budgetMs())
        .put("agentJvmFlags", String.join(" ", AgentJvmFlags.forBenchmark()))
        .put("agentJvmFlagsShipped", AgentJvmFlags.forBenchmark().equals(AgentJvmFlags.SHIPPED))
        .put("agentProcess", "java <agentJvmFlags> -cp <class path> " + FootprintAgentMain.class.getName()
            + " agent --config FILE (Main's agent start-up, the PMS over H2 TCP)")
        .put("agentClassPath", AgentProcess.runsOnRuntimeClassPath()
            ? "main classes and runtime dependencies (as in the shaded jar), then the test classes"
            : "the benchmark's own class path, test dependencies included (no fresh "
                + AgentProcess.RUNTIME_CLASSPATH + ")")
        .put("database", "H2 " + org.h2.engine.Constants.VERSION + " (MODE=MSSQLServer) in the benchmark's JVM, "
            + "TCP server on 127.0.0.1, read-only login")
        .put("cloud", "one cloud node in the benchmark's JVM (not measured), TLS bridge on 127.0.0.1")
        .put("queryMix", "per integrator, in turn: a patient by id, a patient's appointments, patients by surname "
            + "prefix, a doctor's day; each integrator its own SQL text (its own TOP)")
        .put("nativeMemoryDiagnostic", s.nativeMemory());
  }

  private static void progress(String format, long started, Object... args) {
    Object[] all = new Object[args.length + 1];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = (System.nanoTime() - started) / 1e9;
    System.err.println("footprint: " + String.format(format, all));
  }
}
