package com.pmsrelay.bench;

import com.pmsrelay.agent.AgentNode;
import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.agent.pms.PooledPms;
import com.pmsrelay.bench.AlternatingPairs.Pair;
import com.pmsrelay.bench.AlternatingPairs.Run;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.common.VertxRuntime;
import com.pmsrelay.guard.SqlGuard;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Streaming (issue #6, benchmark 4): rows/s of one large result read as NDJSON through the relay
 * (HTTP client -> cloud -> TLS bridge -> agent -> H2 and back) against {@link PlainQueryServer}'s
 * NDJSON route serialising the same rows from the same H2 database ({@link StreamDatabase}), one
 * stream at a time, both read by the same kind of client ({@link NdjsonStream}: counts and checks
 * every line, holds nothing). Cloud, agent (its own Vert.x, shipped defaults: chunks of 500 rows or
 * 256 KiB, credit of 4 messages), plain endpoint, database and client share this JVM, as in the
 * hop and throughput benchmarks, so CPU and allocation per row are the whole process's.
 *
 * <p>Each side first warms up (whole streams, until the JIT compiled for under 5 % of a stream
 * and its rows/s was within 5 % of the stream before, or at most {@code maxWarmupStreams}), then
 * blocks of one stream each alternate (plain the baseline, the relay the candidate). Every stream
 * must be whole, or it is counted broken and its pair gives no figure.
 *
 * <p>Heap: one more relay stream, untimed, with this JVM's live heap sampled after full
 * collections ({@link HeapSampler}): cloud, agent, database and client together. Then an agent in
 * its own JVM ({@link AgentProcess}, the agent's shipped flags) of a second practice, reading the
 * same database over H2's TCP server: one stream unsampled (its rows/s and the agent process's CPU),
 * one with both processes' live heaps sampled: the cloud's JVM (with the database and the client)
 * and the agent's (not in fast mode).
 */
final class StreamingBench {
  static final double TARGET_ROWS_RATIO = 0.5;
  static final double TARGET_HEAP_GROWTH_MIB = 64;
  /** The JIT's compile time over a warm-up stream, as a share of the stream: below it (and level), warm. */
  static final double WARMUP_COMPILE_SHARE = 0.05;
  /** Two successive warm-up streams within this fraction of each other's rows/s: levelled off. */
  static final double WARMUP_LEVEL = 0.05;
  static final int QUERY_TIMEOUT_MS = 120_000;

  /**
   * Rows per stream; warm-up streams per side (at least, at most) and at most {@code maxWarmupMs}
   * per side once the minimum is done; pairs of blocks (one stream each), cut to end
   * {@code heapReserveMs} before the budget, the time the heap readings take after them.
   */
  record Settings(int rows, int minWarmupStreams, int maxWarmupStreams, long maxWarmupMs, int pairs,
      boolean separateAgent, long heapPauseMs, long streamTimeoutMs, long heapReserveMs, long budgetMs) {
    static Settings of(BenchMode mode) {
      return switch (mode) {
        case FULL -> new Settings(StreamDatabase.MAX_ROWS, 3, 8, 25_000, 7, true, 100, 100_000, 55_000, 175_000);
        // Fast: no agent in its own JVM (its start and its three streams at C1's pace cost ~25 s here).
        case FAST -> new Settings(200_000, 2, 4, 5_000, 3, false, 100, 40_000, 5_000, 33_000);
        case TINY -> new Settings(20_000, 1, 1, 0, 1, true, 100, 30_000, 15_000, 25_000);
      };
    }

    JsonObject toJson() {
      return new JsonObject().put("rowsPerStream", rows).put("minWarmupStreamsPerSide", minWarmupStreams)
          .put("maxWarmupStreamsPerSide", maxWarmupStreams).put("maxWarmupMsPerSide", maxWarmupMs)
          .put("warmupCompileShare", WARMUP_COMPILE_SHARE).put("warmupLevel", WARMUP_LEVEL).put("pairs", pairs)
          .put("streamsPerBlock", 1).put("separateAgentJvm", separateAgent).put("heapSamplePauseMs", heapPauseMs)
          .put("streamTimeoutMs", streamTimeoutMs).put("heapReserveMs", heapReserveMs).put("budgetMs", budgetMs);
    }
  }

  /** Every stream read in the run, by where it went, in order (warm-ups included). */
  private final Map<String, List<JsonObject>> streams = new LinkedHashMap<>();
  private long broken;
  /** Who spent the CPU: cloud, agent, plain endpoint, client, JVM. */
  private final ThreadCpu threadCpu = new ThreadCpu()
      .named("pms-query-", "agent workers (JDBC, encoding)")
      .named("plain-jdbc-", "plain workers (JDBC, encoding)")
      .named("control-store-", "cloud store");

  JsonObject run(BenchMode mode, Path work) throws Exception {
    Settings s = Settings.of(mode);
    long started = System.nanoTime();
    Path dir = Files.createDirectories(work.resolve("streaming-" + System.nanoTime()));
    Vertx load = VertxRuntime.create(new VertxOptions().setEventLoopPoolSize(1));
    Vertx agentVertx = VertxRuntime.create();
    Vertx plainVertx = VertxRuntime.create();
    try (StreamDatabase db = StreamDatabase.start(); BenchCloud cloud = BenchCloud.start(dir.resolve("cloud"))) {
      LookupRig.progress("streaming", "database and cloud started", started);
      PracticeStore.Created practice = cloud.practice("Streaming Practice");
      IntegratorStore.Created integrator = cloud.integrator("Bulk extracts");
      cloud.grant(practice.practiceId(), integrator.clientId(), 2 * StreamDatabase.MAX_ROWS, QUERY_TIMEOUT_MS);
      JsonObject agentJson = cloud.agentJson(practice);
      agentJson.getJsonObject("exec").mergeIn(agentExecOverride());
      AgentConfig config = AgentConfig.from(agentJson);
      int cap = config.exec().maxConcurrent();
      // The agent in its own JVM starts now, so that its start-up overlaps the set-up and warm-up here.
      try (PooledPms agentPms = pool(db, cap); PooledPms plainPms = pool(db, cap);
           SeparateAgent separate = s.separateAgent() ? SeparateAgent.start(cloud, db, integrator, dir) : null) {
        AgentNode agent = new AgentNode(agentVertx, config, agentPms, new SqlGuard(65_536, Set.of())).start().await();
        try {
          cloud.awaitAgent(practice.practiceId(), 15_000);
          PlainQueryServer plain = new PlainQueryServer(plainPms, cap);
          plainVertx.deployVerticle(plain).await();
          String token = HttpQueryTarget.accessToken(HttpQueryTarget.client(load, cloud.httpPort()), integrator);
          String path = "/v1/practices/" + practice.practiceId() + "/queries";
          threadCpu.eventLoops(cloud.vertx, "cloud event loops").eventLoops(agentVertx, "agent event loops")
              .eventLoops(plainVertx, "plain event loops").eventLoops(load, "client event loop");
          NdjsonStream toRelay = new NdjsonStream(load, cloud.httpPort(), path);
          NdjsonStream toPlain = new NdjsonStream(load, plain.port(), path);
          int linksBefore = agent.connectionsAccepted();
          LookupRig.progress("streaming", "set up", started);
          JsonObject result = measure(mode, s, started, token, toRelay, toPlain, config, separate);
          result.put("agentReconnects", agent.connectionsAccepted() - linksBefore);
          if (separate != null) {
            result.put("separateJvms", separateAgent(s, cloud, separate, token, load, started));
          }
          finish(result, s);
          result.put("runSeconds", Spread.round((System.nanoTime() - started) / 1e9));
          return result;
        } finally {
          agent.stop().await();
        }
      }
    } finally {
      load.close().await();
      plainVertx.close().await();
      agentVertx.close().await();
    }
  }

  /**
   * A diagnostic, not a figure of BENCHMARKS.md: {@code -Dbench.streaming.agentExec={"chunkRows": 2000}}
   * (in {@code BENCH_JAVA_OPTS}) overrides the in-process agent's {@code exec} keys, to see what
   * the chunking costs.
   */
  static JsonObject agentExecOverride() {
    String json = System.getProperty("bench.streaming.agentExec");
    return json == null || json.isBlank() ? new JsonObject() : new JsonObject(json);
  }

  private static PooledPms pool(StreamDatabase db, int connections) {
    return PooledPms.of("bench", "h2", Map.of(StreamDatabase.CATALOGUE, db.source), connections);
  }

  private static JsonObject body(int rows) {
    return new JsonObject().put("sql", StreamDatabase.sql(rows)).put("maxRows", rows).put("timeoutMs", QUERY_TIMEOUT_MS);
  }

  /** One stream, its outcome kept under {@code side}. */
  private NdjsonStream.Result read(String side, NdjsonStream client, String token, Settings s) {
    return read(side, client, token, s.rows(), s);
  }

  private NdjsonStream.Result read(String side, NdjsonStream client, String token, int rows, Settings s) {
    long readBefore = StreamDatabase.rowsRead();
    Map<String, Long> cpuBefore = threadCpu.now();
    NdjsonStream.Result r = client.read(token, body(rows), rows, s.streamTimeoutMs()).await();
    Map<String, Long> cpu = ThreadCpu.spent(cpuBefore, threadCpu.now());
    JsonObject byThread = new JsonObject();
    cpu.forEach((owner, nanos) -> byThread.put(owner, Spread.round(nanos / 1e3 / Math.max(1, r.rows()))));
    JsonObject json = r.toJson().put("rowsReadAtDatabase", StreamDatabase.rowsRead() - readBefore)
        .put("loadAverage", MachineInfo.loadAverage()).put("cpuUsPerRowByThread", byThread);
    synchronized (streams) {
      streams.computeIfAbsent(side, k -> new ArrayList<>()).add(json);
      if (!r.complete()) {
        broken++;
        System.err.println("streaming: a broken stream (" + side + "): " + r.problem());
      }
    }
    return r;
  }

  private JsonObject measure(BenchMode mode, Settings s, long started, String token, NdjsonStream toRelay,
      NdjsonStream toPlain, AgentConfig config, SeparateAgent separate) throws Exception {
    JsonObject warmup = new JsonObject()
        .put("plain", warmUp("plain warm-up", toPlain, null, s))
        .put("relay", warmUp("relay warm-up", toRelay, token, s));
    LookupRig.progress("streaming", "warmed up", started);
    if (separate != null) {
      separate.awaitConnected(); // started at the set-up: idle from here on
    }
    AlternatingPairs.Block plainBlock = () -> block(read("plain", toPlain, null, s));
    AlternatingPairs.Block relayBlock = () -> block(read("relay", toRelay, token, s));
    List<Pair> pairs = AlternatingPairs.measure(plainBlock, relayBlock, 0, s.pairs(),
        started + (s.budgetMs() - s.heapReserveMs()) * 1_000_000);
    LookupRig.progress("streaming", pairs.size() + " pairs done", started);

    JsonObject heap;
    try (HeapSampler sampler = new HeapSampler(Map.of("benchJvm", HeapSampler.SELF), s.heapPauseMs())) {
      sampler.start();
      NdjsonStream.Result r = read("relay heap", toRelay, token, s);
      sampler.close();
      heap = sampler.toJson("benchJvm").put("streamComplete", r.complete()).put("stream", r.toJson())
          .put("what", "this JVM: cloud, agent, H2 and client together");
    }
    LookupRig.progress("streaming", "heap in one JVM measured", started);
    JsonObject result = report(mode, s, pairs, config);
    result.put("warmupStreams", warmup).put("heapOneJvm", heap);
    return result;
  }

  /** A block's figures from its stream: rows if whole, else a failure (and no figure). */
  private static Run block(NdjsonStream.Result r) {
    return new Run(r.complete() ? r.rows() : 0, r.complete() ? 0 : 1, null, null);
  }

  /** Warms one side up with whole streams (see the class); answers each stream's rows/s and JIT time. */
  private JsonArray warmUp(String side, NdjsonStream client, String token, Settings s) {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    JsonArray slices = new JsonArray();
    double previous = Double.NaN;
    long start = System.nanoTime();
    for (int i = 0; i < s.maxWarmupStreams(); i++) {
      long compiledBefore = jit.getTotalCompilationTime();
      NdjsonStream.Result r = read(side, client, token, s);
      long compileMs = jit.getTotalCompilationTime() - compiledBefore;
      double perSecond = r.complete() ? r.rows() * 1e9 / r.nanos() : Double.NaN;
      slices.add(new JsonObject().put("rowsPerSecond", Spread.round(perSecond)).put("jitCompileMs", compileMs)
          .put("complete", r.complete()));
      boolean warm = compileMs < WARMUP_COMPILE_SHARE * r.nanos() / 1e6
          && Math.abs(perSecond - previous) <= WARMUP_LEVEL * previous;
      if (i + 1 >= s.minWarmupStreams() && (warm || System.nanoTime() - start > s.maxWarmupMs() * 1_000_000)) {
        break;
      }
      previous = perSecond;
    }
    return slices;
  }

  /**
   * A second practice of the cloud, served by an agent in its own JVM ({@link AgentProcess}, the
   * agent's shipped flags) over the same database through H2's TCP server, with the integrator's
   * grant.
   */
  private record SeparateAgent(PracticeStore.Created practice, AgentProcess process, BenchCloud cloud, List<String> flags)
      implements AutoCloseable {
    static SeparateAgent start(BenchCloud cloud, StreamDatabase db, IntegratorStore.Created integrator, Path dir)
        throws Exception {
      PracticeStore.Created practice = cloud.practice("Streaming Practice, agent in its own JVM");
      cloud.grant(practice.practiceId(), integrator.clientId(), 2 * StreamDatabase.MAX_ROWS, QUERY_TIMEOUT_MS);
      JsonObject agentJson = cloud.agentJson(practice);
      // kind demo only passes Main's check: FootprintAgentMain reads the database at jdbcUrl.
      agentJson.getJsonObject("pms").put("kind", "demo").put("jdbcUrl", db.tcpUrl()).put("user", StreamDatabase.READER)
          .put("password", db.readerPassword).put("catalogues", new JsonArray().add(StreamDatabase.CATALOGUE));
      List<String> flags = AgentJvmFlags.forBenchmark();
      return new SeparateAgent(practice, AgentProcess.start("streaming-agent", agentJson, flags, dir), cloud, flags);
    }

    void awaitConnected() throws InterruptedException {
      try {
        cloud.awaitAgent(practice.practiceId(), 60_000);
      } catch (IllegalStateException e) {
        throw new IllegalStateException(e.getMessage() + "; the agent's log ends:\n" + process.logTail(), e);
      }
    }

    @Override
    public void close() {
      process.close();
    }
  }

  /**
   * The agent in its own JVM: one stream for its speed and the agent process's CPU, one with both
   * JVMs' live heaps sampled.
   */
  private JsonObject separateAgent(Settings s, BenchCloud cloud, SeparateAgent separate, String token, Vertx load,
      long started) throws Exception {
    separate.awaitConnected();
    AgentProcess agent = separate.process();
    List<String> flags = separate.flags();
    NdjsonStream client = new NdjsonStream(load, cloud.httpPort(),
        "/v1/practices/" + separate.practice().practiceId() + "/queries");
    // A fifth of a stream: the agent's JIT (C1 only) is done quickly.
    read("separate agent warm-up", client, token, s.rows() / 5, s);
    long agentTicks = agent.cpuTicks();
    ProcessProbe before = ProcessProbe.now();
    NdjsonStream.Result timed = read("separate agent", client, token, s);
    ProcessProbe spent = before.spentSince();
    long agentCpuNanos = (agent.cpuTicks() - agentTicks) * (1_000_000_000L / ProcStatus.TICKS_PER_SECOND);
    LookupRig.progress("streaming", "agent in its own JVM streamed", started);
    JsonObject heap;
    try (HeapSampler sampler = new HeapSampler(Map.of("cloudJvm", HeapSampler.SELF,
        "agentJvm", HeapSampler.child(agent.pid(), agent.name)), s.heapPauseMs())) {
      sampler.start();
      NdjsonStream.Result r = read("separate agent heap", client, token, s);
      sampler.close();
      heap = new JsonObject().put("cloudJvm", sampler.toJson("cloudJvm")
              .put("what", "the benchmark's JVM: cloud, H2 and its TCP server, client (the in-process agent idle)"))
          .put("agentJvm", sampler.toJson("agentJvm").put("what", "the agent's own JVM"))
          .put("streamComplete", r.complete()).put("stream", r.toJson());
    }
    LookupRig.progress("streaming", "heap of both JVMs measured", started);
    double rows = timed.complete() ? timed.rows() : Double.NaN;
    client.close().await();
    return new JsonObject()
        .put("agentJvmFlags", String.join(" ", flags))
        .put("database", "the same H2 database, reached over H2's TCP server on loopback (read-only login)")
        .put("stream", timed.toJson())
        .put("rowsPerSecond", Spread.round(rows * 1e9 / spent.wallNanos()))
        .put("agentCpuUsPerRow", Spread.round(agentCpuNanos / 1e3 / rows))
        .put("cloudJvmCpuUsPerRow", Spread.round(spent.cpuNanos() / 1e3 / rows))
        .put("cloudJvmAllocatedBytesPerRow", Spread.round(spent.allocatedBytes() / rows))
        .put("heap", heap);
  }

  private JsonObject report(BenchMode mode, Settings s, List<Pair> pairs, AgentConfig config) {
    ToDoubleFunction<Run> rowsPerSecond = r -> r.failures() > 0 ? Double.NaN : r.perSecond();
    ToDoubleFunction<Run> cpu = r -> r.failures() > 0 ? Double.NaN : r.cpuMicrosPerOp();
    ToDoubleFunction<Run> allocated = r -> r.failures() > 0 ? Double.NaN : r.allocatedBytesPerOp();
    Spread ratio = AlternatingPairs.ratio(pairs, rowsPerSecond);
    return new JsonObject()
        .put("name", "streaming")
        .put("mode", mode.label())
        .put("measures", "rows/s of one " + s.rows() + "-row NDJSON stream: relay (HTTP client -> cloud -> TLS bridge ->"
            + " agent -> H2 and back) vs a plain Vert.x endpoint serialising the same rows from the same H2 as NDJSON")
        .put("settings", s.toJson()
            .put("sql", StreamDatabase.sql(s.rows()))
            .put("rows", "[N, \"synthetic row N <60 spaces>.\"]: a BIGINT and an 82-character string, about 94 bytes"
                + " a line; H2 (MODE=MSSQLServer, LAZY_QUERY_EXECUTION) computes them as they are fetched")
            .put("agentExec", new JsonObject().put("chunkRows", config.exec().chunkRows())
                .put("chunkBytes", config.exec().chunkBytes()).put("maxConcurrent", config.exec().maxConcurrent())
                .put("overridden", agentExecOverride()))
            .put("plain", new JsonObject().put("chunkRows", PlainQueryServer.CHUNK_ROWS)
                .put("chunkBytes", PlainQueryServer.CHUNK_BYTES).put("chunksInFlight", PlainQueryServer.CHUNKS_IN_FLIGHT)
                .put("note", "JDBC on a worker, each row encoded once (Jackson), chunks written by one event loop;"
                    + " no token check, guard, audit, queue or bridge"))
            .put("client", "one load-generator event loop, a Vert.x HttpClient whose handler scans each buffer for"
                + " lines and keeps none; every row's N checked in order, the end line's rowCount checked"))
        .put("baseline", "plain")
        .put("candidate", "relay")
        .put("rowsPerSecondRatioRelayToPlain", ratio.toJson())
        .put("cpuRatioRelayToPlain", AlternatingPairs.ratio(pairs, cpu).toJson())
        .put("cpuUsPerRowAdded", AlternatingPairs.difference(pairs, cpu).toJson())
        .put("allocatedBytesPerRowAdded", AlternatingPairs.difference(pairs, allocated).toJson())
        .put("relay", side(pairs, true, rowsPerSecond, cpu, allocated))
        .put("plain", side(pairs, false, rowsPerSecond, cpu, allocated))
        .put("budgetCut", pairs.size() < s.pairs())
        .put("pairs", AlternatingPairs.toJson(pairs));
  }

  private JsonObject side(List<Pair> pairs, boolean relay, ToDoubleFunction<Run> rowsPerSecond, ToDoubleFunction<Run> cpu,
      ToDoubleFunction<Run> allocated) {
    List<JsonObject> measured;
    synchronized (streams) {
      measured = streams.getOrDefault(relay ? "relay" : "plain", List.of());
    }
    List<Double> firstRowMs = new ArrayList<>();
    List<Double> bytesPerRow = new ArrayList<>();
    Map<String, List<Double>> byThread = new java.util.TreeMap<>();
    for (JsonObject stream : measured) {
      if (stream.getBoolean("complete")) {
        firstRowMs.add(stream.getDouble("firstRowMs"));
        bytesPerRow.add(stream.getLong("bytes") / (double) stream.getLong("rows"));
        JsonObject spent = stream.getJsonObject("cpuUsPerRowByThread");
        spent.fieldNames().forEach(owner -> byThread.computeIfAbsent(owner, k -> new ArrayList<>()).add(spent.getDouble(owner)));
      }
    }
    JsonObject cpuByThread = new JsonObject();
    byThread.forEach((owner, values) -> {
      Spread spread = Spread.of(values);
      if (Math.abs(spread.median()) >= 0.005) {
        cpuByThread.put(owner, spread.toJson());
      }
    });
    Spread perSecond = AlternatingPairs.of(pairs, relay, rowsPerSecond);
    double rowBytes = median(bytesPerRow);
    Spread mbPerSecond = new Spread(perSecond.median() * rowBytes / 1e6, perSecond.min() * rowBytes / 1e6,
        perSecond.max() * rowBytes / 1e6, perSecond.n());
    return new JsonObject()
        .put("rowsPerSecond", perSecond.toJson())
        .put("megabytesPerSecond", mbPerSecond.toJson())
        .put("cpuUsPerRow", AlternatingPairs.of(pairs, relay, cpu).toJson())
        .put("allocatedBytesPerRow", AlternatingPairs.of(pairs, relay, allocated).toJson())
        .put("cpuUsPerRowByThread", cpuByThread)
        .put("firstRowMs", Spread.of(firstRowMs).toJson())
        .put("bytesPerRow", Spread.of(bytesPerRow).toJson())
        .put("streams", pairs.size())
        .put("broken", pairs.stream().mapToLong(p -> (relay ? p.candidate() : p.baseline()).failures()).sum());
  }

  private static double median(List<Double> values) {
    return Spread.of(values).median();
  }

  /** Targets and headlines, once every part ran. */
  private void finish(JsonObject result, Settings s) {
    Spread ratio = spread(result.getJsonObject("rowsPerSecondRatioRelayToPlain"));
    JsonObject heapOne = result.getJsonObject("heapOneJvm");
    JsonObject separate = result.getJsonObject("separateJvms");
    JsonObject targets = new JsonObject()
        .put("rowsPerSecondRatio", Targets.atLeast(ratio.median(), TARGET_ROWS_RATIO,
            ">= 0.5 (relay rows/s / plain rows/s, median of pairs)"))
        .put("heapGrowthOneJvmMiB", Targets.below(heapOne.getDouble("growthMiB"), TARGET_HEAP_GROWTH_MIB,
            "< 64 MiB (live heap of the JVM with cloud and agent, most during a relay stream - before)"));
    if (separate != null) {
      JsonObject heap = separate.getJsonObject("heap");
      targets.put("heapGrowthCloudJvmMiB", Targets.below(heap.getJsonObject("cloudJvm").getDouble("growthMiB"),
              TARGET_HEAP_GROWTH_MIB, "< 64 MiB (the cloud's JVM, agent in its own)"))
          .put("heapGrowthAgentJvmMiB", Targets.below(heap.getJsonObject("agentJvm").getDouble("growthMiB"),
              TARGET_HEAP_GROWTH_MIB, "< 64 MiB (the agent's own JVM)"));
    }
    long streamsRead;
    synchronized (streams) {
      streamsRead = streams.values().stream().mapToLong(List::size).sum();
      JsonObject all = new JsonObject();
      streams.forEach((side, list) -> all.put(side, new JsonArray(new ArrayList<Object>(list))));
      result.put("streams", all);
    }
    result.put("streamsRead", streamsRead).put("streamsBroken", broken);
    targets.put("everyStreamComplete", Targets.holds(broken == 0, broken + " broken of " + streamsRead,
        "every stream whole: 200, columns, rows 1..N in order, end line with rowCount N, nothing after"));
    result.put("targets", targets);

    JsonObject relay = result.getJsonObject("relay");
    JsonObject plain = result.getJsonObject("plain");
    JsonArray headlines = new JsonArray()
        .add(String.format("%,d rows as NDJSON, %d pairs: relay/plain rows/s %s; CPU per row relay/plain %s", s.rows(),
            result.getJsonArray("pairs").size(), RelayVsPlainBench.figure(ratio),
            RelayVsPlainBench.figure(result.getJsonObject("cpuRatioRelayToPlain"))))
        .add(line("relay", relay))
        .add(line("plain", plain))
        .add(byThread("relay", relay))
        .add(byThread("plain", plain))
        .add(String.format("live heap growth during a relay stream: one JVM (cloud, agent, H2, client) %s MiB%s",
            heapOne.getValue("growthMiB"), separate == null ? "" : String.format(
                "; separate JVMs: cloud %s MiB, agent %s MiB (that agent: %s rows/s, %s µs of its CPU per row)",
                separate.getJsonObject("heap").getJsonObject("cloudJvm").getValue("growthMiB"),
                separate.getJsonObject("heap").getJsonObject("agentJvm").getValue("growthMiB"),
                separate.getValue("rowsPerSecond"), separate.getValue("agentCpuUsPerRow"))))
        .add(String.format("streams: %d read, %d broken; agent reconnects %d", streamsRead, broken,
            result.getInteger("agentReconnects")));
    result.put("headlines", headlines);
  }

  private static String line(String name, JsonObject side) {
    return String.format("%s: %s rows/s (%s MB/s), cpu %s µs and %s bytes allocated per row, first row after %s ms",
        name, RelayVsPlainBench.median(side, "rowsPerSecond"), RelayVsPlainBench.median(side, "megabytesPerSecond"),
        RelayVsPlainBench.median(side, "cpuUsPerRow"), RelayVsPlainBench.median(side, "allocatedBytesPerRow"),
        RelayVsPlainBench.median(side, "firstRowMs"));
  }

  private static String byThread(String name, JsonObject side) {
    JsonObject cpu = side.getJsonObject("cpuUsPerRowByThread");
    StringBuilder text = new StringBuilder(name + " cpu µs per row by thread:");
    cpu.fieldNames().forEach(owner -> text.append(' ').append(owner).append(' ')
        .append(cpu.getJsonObject(owner).getValue("median")).append(','));
    text.setLength(text.length() - 1);
    return text.toString();
  }

  private static Spread spread(JsonObject json) {
    Double median = json.getDouble("median");
    return new Spread(median == null ? Double.NaN : median, json.getDouble("min") == null ? Double.NaN : json.getDouble("min"),
        json.getDouble("max") == null ? Double.NaN : json.getDouble("max"), json.getInteger("n"));
  }
}
