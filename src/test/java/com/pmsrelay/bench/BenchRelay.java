package com.pmsrelay.bench;

import com.pmsrelay.agent.AgentNode;
import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.agent.exec.QueryExecutor;
import com.pmsrelay.agent.pms.PooledPms;
import com.pmsrelay.agent.pms.demo.DemoPmsGenerator;
import com.pmsrelay.agent.pms.demo.DemoPmsSpec;
import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.auth.TokenService;
import com.pmsrelay.cloud.auth.TokenVerifier;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.common.VertxRuntime;
import com.pmsrelay.guard.SqlGuard;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The system under test, in this JVM on loopback: a cloud node ({@link BenchCloud}) and one agent
 * with the shipped executor defaults (or {@link Options}), serving a writable in-memory H2 database filled with the demo PMS plus the {@link DbHold} function and two views
 * over it (one-row tables whose every read holds the database for B's or A's time). Cloud and agent
 * each get their own Vert.x instance, as they would on their own machines. Without the cloud
 * ({@link #agentOnly}) there is just the agent's executor over the same database.
 */
final class BenchRelay implements AutoCloseable {
  /** The integrators' grants at the practice. */
  record Grants(int aRatePerMinute, int bRatePerMinute) {}

  /**
   * Beyond the shipped defaults: agent {@code exec} keys to override, what checks the cloud's bearer
   * tokens, how many instances of its HTTP API and bridge the cloud deploys (0: its default), and
   * how many clustered nodes the cloud is (up to 1: one node alone; the agent dials the last), and
   * cloud settings merged over the defaults (one node alone only).
   */
  record Options(JsonObject agentExec, Function<TokenService, TokenVerifier> bearer, int cloudInstances,
      int cloudNodes, JsonObject cloudOverrides) {
    static final Options DEFAULTS = new Options(new JsonObject(), tokens -> tokens);

    Options(JsonObject agentExec, Function<TokenService, TokenVerifier> bearer) {
      this(agentExec, bearer, 0, 1);
    }

    Options(JsonObject agentExec, Function<TokenService, TokenVerifier> bearer, int cloudInstances, int cloudNodes) {
      this(agentExec, bearer, cloudInstances, cloudNodes, new JsonObject());
    }
  }

  /** The cloud's nodes: one, or a cluster's, the last holding the agent's socket ({@link #benchCloud}). */
  final List<BenchCloud> nodes;
  /** The node the agent dials. */
  final BenchCloud benchCloud;
  final Vertx agentVertx = VertxRuntime.create();
  final CloudNode cloud;
  final AgentNode agent;
  final QueryExecutor executor;
  final PooledPms pms;
  final String practiceId;
  final IntegratorStore.Created integratorA;
  final IntegratorStore.Created integratorB;
  final int cap;
  private final JdbcDataSource database;

  private BenchRelay(Path dir, int patients, Grants grants, Options options) throws Exception {
    database = benchDatabase(patients);
    if (grants == null) {
      nodes = List.of();
      benchCloud = null;
      cloud = null;
      agent = null;
      practiceId = UUID.randomUUID().toString();
      integratorA = new IntegratorStore.Created("integrator-a", null);
      integratorB = new IntegratorStore.Created("integrator-b", null);
      AgentConfig config = AgentConfig.from(
          withExec(BenchCloud.agentJson(practiceId, "unused", 7443, "00".repeat(32)), options.agentExec()));
      cap = config.exec().maxConcurrent();
      pms = pool(cap);
      executor = new QueryExecutor(agentVertx, pms, config.exec(), guard());
      return;
    }
    nodes = options.cloudNodes() > 1
        ? BenchCloud.cluster(dir.resolve("cloud"), options.cloudNodes(), options.bearer(), options.cloudInstances())
        : List.of(BenchCloud.start(dir.resolve("cloud"), options.bearer(), options.cloudInstances(), options.cloudOverrides()));
    benchCloud = nodes.get(nodes.size() - 1);
    cloud = benchCloud.node;
    PracticeStore.Created practice = benchCloud.practice("Benchmark Practice");
    practiceId = practice.practiceId();
    integratorA = benchCloud.integrator("Integrator A (bulk sync)");
    integratorB = benchCloud.integrator("Integrator B (online booking)");
    benchCloud.grant(practiceId, integratorA.clientId(), grants.aRatePerMinute());
    benchCloud.grant(practiceId, integratorB.clientId(), grants.bRatePerMinute());

    AgentConfig config = AgentConfig.from(withExec(benchCloud.agentJson(practice), options.agentExec()));
    cap = config.exec().maxConcurrent();
    pms = pool(cap);
    agent = new AgentNode(agentVertx, config, pms, guard()).start().await();
    executor = agent.executor();
    benchCloud.awaitAgent(practiceId, 15_000);
  }

  /** Cloud and agent, the integrators' grants at the practice as given. */
  static BenchRelay start(Path dir, int patients, Grants grants) throws Exception {
    return start(dir, patients, grants, Options.DEFAULTS);
  }

  /** Cloud and agent with {@code options} over the defaults. */
  static BenchRelay start(Path dir, int patients, Grants grants, Options options) throws Exception {
    return new BenchRelay(dir, patients, grants, options);
  }

  /** Only the agent's executor over the benchmark database: no cloud, no bridge, no HTTP. */
  static BenchRelay agentOnly(int patients) throws Exception {
    return new BenchRelay(null, patients, null, Options.DEFAULTS);
  }

  private static JdbcDataSource benchDatabase(int patients) throws Exception {
    JdbcDataSource source = new JdbcDataSource();
    source.setURL("jdbc:h2:mem:bench" + UUID.randomUUID().toString().replace("-", "")
        + ";DB_CLOSE_DELAY=-1;MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE");
    source.setUser("sa");
    source.setPassword("");
    try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
      DemoPmsGenerator.generate(c, new DemoPmsSpec(DemoPmsSpec.DEFAULT_SEED, patients, LocalDate.now()));
      s.execute("CREATE ALIAS HOLD FOR \"" + DbHold.class.getName() + ".hold\"");
      // The queries reach HOLD through views: the cloud's guard allows no function outside its
      // allow-list, and a view is just a table to both guards.
      s.execute("CREATE VIEW dbo." + NoisyNeighbourBench.B_HOLD_VIEW + " AS SELECT HOLD(" + NoisyNeighbourBench.B_HOLD_MS
          + ", 0) AS Held");
      s.execute("CREATE VIEW dbo." + NoisyNeighbourBench.A_HOLD_VIEW + " AS SELECT HOLD(" + NoisyNeighbourBench.A_HOLD_MS
          + ", 1) AS Held");
    }
    return source;
  }

  /** The agent's configuration with {@code exec} keys overridden. */
  private static JsonObject withExec(JsonObject agentJson, JsonObject exec) {
    agentJson.getJsonObject("exec").mergeIn(exec);
    return agentJson;
  }

  /** A new pool of {@code connections} over the benchmark database (the agent has its own). */
  PooledPms pool(int connections) {
    return PooledPms.of("bench", "h2", Map.of("DemoPMS", database), connections);
  }

  private static SqlGuard guard() {
    return new SqlGuard(65_536, Set.of("HOLD"));
  }

  int httpPort() {
    return cloud.httpPort();
  }

  @Override
  public void close() {
    try {
      if (agent != null) {
        agent.stop().await();
      } else {
        executor.close();
      }
    } catch (RuntimeException e) {
      // best effort: the run is over
    }
    pms.close();
    try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
      s.execute("SHUTDOWN");
    } catch (java.sql.SQLException e) {
      // already gone
    }
    agentVertx.close().await();
    nodes.forEach(BenchCloud::close);
  }
}
