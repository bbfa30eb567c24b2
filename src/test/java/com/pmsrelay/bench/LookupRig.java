package com.pmsrelay.bench;

import com.pmsrelay.cloud.auth.TokenService;
import com.pmsrelay.cloud.auth.TokenVerifier;
import com.pmsrelay.common.VertxRuntime;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * What the hop, throughput and auth benchmarks share: the relay ({@link BenchRelay}) set up so
 * that one integrator's 64 outstanding queries wait at the agent instead of being refused, a load
 * generator with one event loop and keep-alive clients, and the query: one patient by primary key,
 * a different patient each time (so no two outstanding queries share an execution at the agent).
 */
final class LookupRig implements AutoCloseable {
  static final String SQL = "SELECT PatientId, FirstName, Surname FROM dbo.Patients WHERE PatientId = ?";
  /** The grant's rate: its bucket starts with a minute's allowance, more than any run sends. */
  static final int RATE_PER_MINUTE = 1_000_000;
  /** The agent's whole queue, and one integrator's share of it: room for 64 outstanding queries. */
  static final int QUEUE = 64;
  static final int QUERY_TIMEOUT_MS = 10_000;
  /** The relay answers within both time-outs plus its slack; a client waiting longer sees a time-out. */
  static final long CLIENT_TIMEOUT_MS = 2L * QUERY_TIMEOUT_MS + 3_000;

  final BenchRelay relay;
  final Vertx load = VertxRuntime.create(new VertxOptions().setEventLoopPoolSize(1));
  final WebClient relayClient;
  final String path;
  /** Integrator A's access token from {@code POST /v1/token}, reused as integrators do. */
  final String token;
  private final int patients;
  /** Every block's answers other than 200, by outcome (there should be none). */
  private final Map<String, Integer> failures = new TreeMap<>();

  private LookupRig(Path workDir, String name, int patients, Function<TokenService, TokenVerifier> bearer,
      int cloudInstances, int cloudNodes) throws Exception {
    this(workDir, name, patients, bearer, cloudInstances, cloudNodes, new JsonObject());
  }

  private LookupRig(Path workDir, String name, int patients, Function<TokenService, TokenVerifier> bearer,
      int cloudInstances, int cloudNodes, JsonObject cloudOverrides) throws Exception {
    this.patients = patients;
    JsonObject exec = new JsonObject().put("queueCapacity", QUEUE).put("queuePerIntegrator", QUEUE);
    try {
      relay = BenchRelay.start(Files.createDirectories(workDir.resolve(name + "-" + System.nanoTime())), patients,
          new BenchRelay.Grants(RATE_PER_MINUTE, RATE_PER_MINUTE), new BenchRelay.Options(exec, bearer, cloudInstances, cloudNodes, cloudOverrides));
    } catch (Exception | Error e) {
      load.close().await();
      throw e;
    }
    relayClient = HttpQueryTarget.client(load, relay.httpPort());
    path = "/v1/practices/" + relay.practiceId + "/queries";
    token = accessToken(relayClient);
  }

  /** The relay with its real bearer check. */
  static LookupRig start(Path workDir, String name, int patients) throws Exception {
    return new LookupRig(workDir, name, patients, tokens -> tokens, 0, 1);
  }

  /** The relay whose cloud deploys {@code cloudInstances} instances of its HTTP API and of its bridge. */
  static LookupRig start(Path workDir, String name, int patients, int cloudInstances) throws Exception {
    return new LookupRig(workDir, name, patients, tokens -> tokens, cloudInstances, 1);
  }

  /**
   * The relay whose cloud is {@code cloudNodes} clustered nodes, the agent connected to the last
   * ({@link #relayClient}'s); {@link #client(int)} and {@link #accessToken} reach the others.
   */
  static LookupRig startCluster(Path workDir, String name, int patients, int cloudNodes) throws Exception {
    return new LookupRig(workDir, name, patients, tokens -> tokens, 0, cloudNodes);
  }

  /** The relay with {@code cloudOverrides} merged over its cloud's settings. */
  static LookupRig start(Path workDir, String name, int patients, JsonObject cloudOverrides) throws Exception {
    return new LookupRig(workDir, name, patients, tokens -> tokens, 0, 1, cloudOverrides);
  }

  /** The relay whose bearer check is {@code bearer}, made from the cloud's token service. */
  static LookupRig start(Path workDir, String name, int patients, Function<TokenService, TokenVerifier> bearer)
      throws Exception {
    return new LookupRig(workDir, name, patients, bearer, 0, 1);
  }

  /** Query {@code i}'s body: the lookup of patient {@code 1 + (i * 7919 mod patients)}. */
  JsonObject body(int i) {
    return new JsonObject().put("sql", SQL).put("params", new JsonArray().add(1 + Math.floorMod(i * 7919L, patients)))
        .put("timeoutMs", QUERY_TIMEOUT_MS).put("queueTimeoutMs", QUERY_TIMEOUT_MS);
  }

  /** The lookups sent with {@code client} (the relay's, or another server's on the same path). */
  HttpQueryTarget target(WebClient client, IntFunction<String> tokens) {
    return new HttpQueryTarget(client, path, tokens, this::body, CLIENT_TIMEOUT_MS);
  }

  /** A line on stderr: what the benchmark {@code name} has done by how many seconds after {@code started}. */
  static void progress(String name, String what, long started) {
    System.err.printf("%s: %s at %.1f s%n", name, what, (System.nanoTime() - started) / 1e9);
  }

  /** A keep-alive client of the load generator for another server on 127.0.0.1. */
  WebClient client(int port) {
    return HttpQueryTarget.client(load, port);
  }

  /** Integrator A's access token from {@code POST /v1/token} at {@code client}'s node. */
  String accessToken(WebClient client) {
    return HttpQueryTarget.accessToken(client, relay.integratorA);
  }

  /** A block of {@code target}'s lookups, closed-loop; answers other than 200 are kept by outcome. */
  AlternatingPairs.Run closedLoop(QueryTarget target, int concurrency, int maxQueries, long maxMillis) {
    ClosedLoopLoad.Result result = ClosedLoopLoad.run(load, target, concurrency, maxQueries, maxMillis).await();
    synchronized (failures) {
      result.failures().forEach((outcome, n) -> failures.merge(outcome, n, Integer::sum));
    }
    return result.run();
  }

  /** The rows one lookup gets from {@code client}'s server, for checking both sides answer alike. */
  JsonArray rows(WebClient client, int i) {
    var response = client.post(path).putHeader("Authorization", "Bearer " + token).sendJsonObject(body(i)).await();
    if (response.statusCode() != 200) {
      throw new IllegalStateException("lookup failed: " + response.statusCode() + " " + response.bodyAsString());
    }
    return response.bodyAsJsonObject().getJsonArray("rows");
  }

  JsonObject failuresJson() {
    synchronized (failures) {
      return new JsonObject(new TreeMap<String, Object>(failures));
    }
  }

  long failureCount() {
    synchronized (failures) {
      return failures.values().stream().mapToLong(Integer::longValue).sum();
    }
  }

  /** The relay's settings that matter here, for the result JSON. */
  JsonObject settings() {
    return new JsonObject()
        .put("sql", SQL)
        .put("params", "[1 + (i * 7919 mod patients)]: a different patient each query, one row each")
        .put("patients", patients)
        .put("agentExec", new JsonObject().put("maxConcurrent", relay.cap).put("queueCapacity", QUEUE)
            .put("queuePerIntegrator", QUEUE)
            .put("note", "one integrator runs at most maxConcurrent - 1 queries at once (the agent keeps a slot for"
                + " others); the rest of its 64 outstanding wait in its queue, none is refused"))
        .put("grant", new JsonObject().put("ratePerMinute", RATE_PER_MINUTE)
            .put("note", "the bucket starts with a minute's allowance, more than the run sends: never rate_limited"))
        .put("query", new JsonObject().put("timeoutMs", QUERY_TIMEOUT_MS).put("queueTimeoutMs", QUERY_TIMEOUT_MS))
        .put("client", "one load-generator event loop, keep-alive Vert.x WebClient (HTTP/1.1, pool of up to 256"
            + " connections), the same request bytes to both sides, closed loop")
        .put("clientTimeoutMs", CLIENT_TIMEOUT_MS)
        .put("cloudNodes", relay.nodes.size())
        .put("cloudHttpInstances", relay.cloud.httpInstances())
        .put("cloudBridgeInstances", relay.cloud.bridgeInstances());
  }

  @Override
  public void close() {
    try {
      load.close().await();
    } finally {
      relay.close();
    }
  }
}
