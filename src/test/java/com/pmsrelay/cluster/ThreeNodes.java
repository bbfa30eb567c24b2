package com.pmsrelay.cluster;

import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.agent.AgentNode;
import com.pmsrelay.guard.SqlGuard;
import com.pmsrelay.agent.pms.PooledPms;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.cluster.Clustering;
import com.pmsrelay.cloud.cluster.LoopbackCluster;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.common.VertxRuntime;
import com.pmsrelay.common.config.ConfigLoader;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.web.client.WebClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Three cloud nodes, each its own clustered Vert.x (Hazelcast members on loopback, found by
 * TCP-IP), sharing one PostgreSQL store and one bridge certificate, as behind a load balancer;
 * one agent on an in-memory H2 PMS, connected to the second node (the third and the first are its
 * other addresses). The first and third nodes reach it only across the cluster.
 */
public final class ThreeNodes implements AutoCloseable {
  static final int NODES = 3;
  /** Rows of {@code dbo.Big}, about 60 bytes each as NDJSON. */
  static final int BIG_ROWS = 200_000;

  final EmbeddedPostgres postgres;
  final List<Vertx> vertxes = new ArrayList<>();
  final List<CloudNode> nodes = new ArrayList<>();
  final Vertx agentVertx = VertxRuntime.create();
  final Vertx clientVertx = VertxRuntime.create();
  final WebClient web;
  final JdbcDataSource pms;
  final String practiceId;
  final IntegratorStore.Created integrator;
  AgentNode agent;

  ThreeNodes(Path dir) throws Exception {
    postgres = com.pmsrelay.cloud.store.TestPostgres.startOrAbort("relay");
    SelfSignedCertificate pair = SelfSignedCertificate.create("localhost");
    Path cert = Files.copy(Path.of(pair.certificatePath()), dir.resolve("bridge-cert.pem"));
    Path key = Files.copy(Path.of(pair.privateKeyPath()), dir.resolve("bridge-key.pem"));
    List<JsonObject> clusters = LoopbackCluster.sections(NODES);
    String masterKey = com.pmsrelay.cloud.keys.MasterKey.generate();
    com.pmsrelay.logs.TestSecrets.record("master key", masterKey);
    for (int i = 0; i < NODES; i++) {
      JsonObject json = ConfigLoader.defaults("cloud");
      json.put("dataDir", dir.resolve("node" + i).toString());
      json.getJsonObject("http").put("host", "127.0.0.1").put("port", 0);
      json.getJsonObject("bridge").put("host", "127.0.0.1").put("port", 0)
          .put("tls", new JsonObject().put("certPath", cert.toString()).put("keyPath", key.toString()));
      json.getJsonObject("management").put("port", 0); // /metrics on a free port: nodes side by side
      json.getJsonObject("store").put("url", postgres.getJdbcUrl("postgres", "relay")).put("user", "postgres")
          .put("password", "");
      json.getJsonObject("keys").put("master", masterKey);
        json.getJsonObject("results").put("dir", dir.resolve("results").toString());
      json.getJsonObject("queries").put("maxRows", BIG_ROWS).put("maxResultBytes", 1L << 30);
      json.getJsonObject("cluster").mergeIn(clusters.get(i));
      CloudConfig config = CloudConfig.from(json);
      Vertx vertx = Clustering.start(config.cluster(), new VertxOptions()).await();
      vertxes.add(vertx);
      nodes.add(new CloudNode(vertx, config).start().await());
    }
    PracticeStore.Created practice = nodes.get(0).practices().create("Cluster Practice").await();
    practiceId = practice.practiceId();
    integrator = nodes.get(0).integrators().create("Cluster Integrator", null).await();
    nodes.get(0).grants().put(new Grant(practiceId, integrator.clientId(), GrantStatus.ENABLED, new JsonArray(), BIG_ROWS,
        60_000, 30_000, 100_000, 1)).await();
    pms = database();
    JsonObject agentJson = ConfigLoader.defaults("agent");
    agentJson.put("practiceId", practiceId).put("agentKey", practice.agentKey());
    agentJson.getJsonObject("cloud").put("host", "127.0.0.1").put("port", nodes.get(1).bridgePort())
        .put("alsoAt", "127.0.0.1:" + nodes.get(2).bridgePort() + ",127.0.0.1:" + nodes.get(0).bridgePort())
        .getJsonObject("tls").put("pinnedSha256", nodes.get(1).tls().fingerprintSha256());
    agentJson.getJsonObject("reconnect").put("initialDelayMs", 100).put("maxDelayMs", 500);
    agentJson.getJsonObject("exec").put("maxRows", BIG_ROWS).put("maxResultBytes", 1L << 30);
    AgentConfig agentConfig = AgentConfig.from(agentJson);
    agent = new AgentNode(agentVertx, agentConfig, PooledPms.of("test", "h2", Map.of("TestPMS", pms), 4),
        new SqlGuard(65_536, Set.of())).start().await();
    awaitConnected(1);
    web = WebClient.create(clientVertx);
  }

  /** Waits until the node holds the agent's socket. */
  void awaitConnected(int node) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    while (!nodes.get(node).agents().isConnected(practiceId)) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("the agent did not connect to node " + node + " within 15 s");
      }
      Thread.sleep(20);
    }
  }

  /** The node (of those still up) holding the agent's socket, or -1. */
  int nodeWithAgent(Set<Integer> down) {
    for (int i = 0; i < nodes.size(); i++) {
      if (!down.contains(i) && nodes.get(i).agents().isConnected(practiceId)) {
        return i;
      }
    }
    return -1;
  }

  Future<String> token(int node) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")
        .add("client_id", integrator.clientId()).add("client_secret", integrator.clientSecret());
    return web.post(nodes.get(node).httpPort(), "127.0.0.1", "/v1/token").sendForm(form)
        .map(r -> r.bodyAsJsonObject().getString("access_token"));
  }

  int httpPort(int node) {
    return nodes.get(node).httpPort();
  }

  private static JdbcDataSource database() throws Exception {
    JdbcDataSource source = new JdbcDataSource();
    source.setURL("jdbc:h2:mem:cluster" + UUID.randomUUID().toString().replace("-", "")
        + ";DB_CLOSE_DELAY=-1;MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE"
        + ";LAZY_QUERY_EXECUTION=TRUE;INIT=CREATE SCHEMA IF NOT EXISTS dbo\\;SET SCHEMA dbo");
    source.setUser("sa");
    source.setPassword("");
    try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE dbo.Patients (PatientId INT PRIMARY KEY, FirstName VARCHAR(40))");
      s.execute("INSERT INTO dbo.Patients SELECT X, CONCAT('Synthetic', X) FROM SYSTEM_RANGE(1, 100)");
      s.execute("CREATE VIEW dbo.Big AS SELECT X AS N, CONCAT('synthetic row ', X) AS Filler FROM SYSTEM_RANGE(1, "
          + BIG_ROWS + ")");
      s.execute("CREATE ALIAS SLOW_ROW DETERMINISTIC FOR \"" + ThreeNodes.class.getName() + ".slowRow\"");
      s.execute("CREATE VIEW dbo.Slow AS SELECT SLOW_ROW(X) AS N FROM SYSTEM_RANGE(1, 10000)");
    }
    return source;
  }

  /** Rows of {@code Slow} the PMS has produced so far. */
  static final java.util.concurrent.atomic.AtomicLong SLOW_ROWS_READ = new java.util.concurrent.atomic.AtomicLong();

  /** H2 calls it for every row of {@code Slow}: a query that runs for about 50 s. */
  public static long slowRow(long n) throws InterruptedException {
    SLOW_ROWS_READ.incrementAndGet();
    Thread.sleep(5);
    return n;
  }

  @Override
  public void close() throws Exception {
    try {
      if (agent != null) {
        agent.stop().await();
      }
      for (int i = nodes.size() - 1; i >= 0; i--) {
        try {
          nodes.get(i).stop().await();
        } catch (RuntimeException alreadyGone) {
          // a test took this node down
        }
      }
    } finally {
      for (Vertx vertx : vertxes) {
        vertx.close().await();
      }
      agentVertx.close().await();
      clientVertx.close().await();
      postgres.close();
    }
  }
}
