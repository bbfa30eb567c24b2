package com.pmsrelay.faults;

import com.pmsrelay.bench.FootprintAgentMain;
import com.pmsrelay.faults.IntegratorClient.Integrator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Three cloud nodes as an operator runs them behind a load balancer: each the packaged jar's own
 * main ({@code Main cloud --config nodeN.json}) in a child JVM, clustered over Hazelcast on
 * loopback, on one PostgreSQL (embedded, started here), one bridge certificate, one results
 * directory and key. Three practices, each with its agent in a child JVM dialling a different
 * node first, the other two as its {@code alsoAt}; all three agents serve the one
 * {@link CountingPms}, so that every statement of every query is counted wherever it ran.
 */
final class ClusterRelay implements AutoCloseable {
  static final int NODES = 3;
  static final Pattern AGENT_AUTHENTICATED = Pattern.compile("agent of practice (\\S+) authenticated");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path dir;
  private final EmbeddedPostgres postgres;
  final CountingPms pms;
  final IntegratorClient client = new IntegratorClient();
  private final String classPath;
  private final int[] httpPorts = new int[NODES];
  private final int[] bridgePorts = new int[NODES];
  private final Path[] nodeConfigs = new Path[NODES];
  final ChildProcess[] nodes = new ChildProcess[NODES];
  private final int[] nodeStarts = new int[NODES];
  final List<String> practiceIds = new ArrayList<>();
  private final List<String> agentKeys = new ArrayList<>();
  final ChildProcess[] agents = new ChildProcess[NODES];
  private final int[] agentStarts = new int[NODES];
  final Integrator integrator;
  /** The bridge certificate's fingerprint, as the nodes print it: what the agents pin. */
  private String fingerprint;

  private ClusterRelay(Path dir, Path jar) throws Exception {
    this.dir = dir;
    this.classPath = ChildProcess.classPath(jar, dir, FootprintAgentMain.class);
    this.postgres = com.pmsrelay.cloud.store.TestPostgres.startOrAbort("relay");
    CountingPms counting = null;
    try {
      SelfSignedCertificate pair = SelfSignedCertificate.create("localhost");
      Path cert = Files.copy(Path.of(pair.certificatePath()), dir.resolve("bridge-cert.pem"));
      Path key = Files.copy(Path.of(pair.privateKeyPath()), dir.resolve("bridge-key.pem"));
      String masterKey = com.pmsrelay.cloud.keys.MasterKey.generate();
    com.pmsrelay.logs.TestSecrets.record("master key", masterKey);
      List<JsonObject> clusters = com.pmsrelay.cloud.cluster.LoopbackCluster.sections(NODES);
      for (int i = 0; i < NODES; i++) {
        httpPorts[i] = freePort();
        bridgePorts[i] = freePort();
        nodeConfigs[i] = dir.resolve("node" + i + ".json");
        Files.writeString(nodeConfigs[i], new JsonObject()
            .put("dataDir", dir.resolve("node" + i).toString())
            .put("shutdownGraceMs", 2_000)
            // As behind the load balancer of the README's steps, which terminates TLS.
            .put("http", new JsonObject().put("host", "127.0.0.1").put("port", httpPorts[i]).put("instances", 2)
                .put("tls", new JsonObject().put("behindProxy", true)))
            .put("management", new JsonObject().put("port", 0))
            .put("bridge", new JsonObject().put("host", "127.0.0.1").put("port", bridgePorts[i]).put("instances", 2)
                .put("tls", new JsonObject().put("certPath", cert.toString()).put("keyPath", key.toString())))
            .put("store", new JsonObject().put("url", postgres.getJdbcUrl("postgres", "relay")).put("user", "postgres")
                .put("password", ""))
            .put("keys", new JsonObject().put("master", masterKey))
            .put("results", new JsonObject().put("dir", dir.resolve("results").toString()))
            .put("cluster", clusters.get(i))
            .encodePrettily());
      }
      counting = CountingPms.start();
      for (int i = 0; i < NODES; i++) {
        String practice = admin("practice", "create", "Cluster Practice " + (i + 1));
        practiceIds.add(find(practice, "practice\\s+(\\S+)"));
        agentKeys.add(find(practice, "agent key (\\S+)"));
      }
      String created = admin("integrator", "create", "Cluster Integrator");
      integrator = new Integrator("Cluster Integrator", find(created, "client id\\s+(\\S+)"),
          find(created, "client secret (\\S+)"));
      for (String practiceId : practiceIds) {
        admin("grant", practiceId, integrator.clientId(), "enabled");
      }
    } catch (Exception | Error e) {
      if (counting != null) {
        counting.close();
      }
      postgres.close();
      throw e;
    }
    this.pms = counting;
  }

  /** Starts the three nodes (together, as they join one another), then the agents, and waits until every practice answers. */
  static ClusterRelay start(Path dir, Path jar) throws Exception {
    ClusterRelay relay = new ClusterRelay(dir, jar);
    try {
      for (int i = 0; i < NODES; i++) {
        relay.launchNode(i);
      }
      for (int i = 0; i < NODES; i++) {
        relay.fingerprint = relay.nodes[i].awaitLine(FaultRelay.CLOUD_UP, START_TIMEOUT).match().group(1);
      }
      for (int i = 0; i < NODES; i++) {
        relay.startAgent(i);
      }
      for (int p = 0; p < NODES; p++) {
        relay.awaitServing(p, p, START_TIMEOUT);
      }
      return relay;
    } catch (Exception | Error e) {
      relay.close();
      throw e;
    }
  }

  /** Starts node {@code i} (the first time, or again after a kill) on its own ports and directory; does not wait. */
  void launchNode(int i) throws IOException, InterruptedException {
    if (nodes[i] != null) {
      nodes[i].close();
    }
    nodes[i] = ChildProcess.start("node" + i + "-" + ++nodeStarts[i], dir, classPath, List.of(), "com.pmsrelay.Main",
        "cloud", "--config", nodeConfigs[i].toString());
  }

  /** Restarts practice {@code p}'s agent, which dials its own node first: agents spread over the nodes again. */
  void restartAgent(int p) throws IOException, InterruptedException {
    agents[p].close();
    startAgent(p);
  }

  /** Practice {@code p}'s agent: node {@code p} first, then the next ones in turn. */
  private void startAgent(int p) throws IOException, InterruptedException {
    String alsoAt = String.join(",", IntStream.range(1, NODES).map(k -> (p + k) % NODES)
        .mapToObj(k -> "127.0.0.1:" + bridgePorts[k]).toList());
    Path config = dir.resolve("agent" + p + ".json");
    Files.writeString(config, new JsonObject()
        .put("practiceId", practiceIds.get(p))
        .put("agentKey", agentKeys.get(p))
        .put("cloud", new JsonObject().put("host", "127.0.0.1").put("port", bridgePorts[p]).put("alsoAt", alsoAt)
            .put("tls", new JsonObject().put("pinnedSha256", fingerprint)))
        // FootprintAgentMain serves pms.jdbcUrl; "demo" only passes the configuration's check.
        .put("pms", new JsonObject().put("kind", "demo").put("product", "H2 (cluster tests)").put("jdbcUrl", pms.url())
            .put("user", CountingPms.READER).put("password", pms.readerPassword)
            .put("catalogues", new JsonArray().add(CountingPms.CATALOGUE))).encodePrettily());
    agents[p] = ChildProcess.start("agent" + p + "-" + ++agentStarts[p], dir, classPath, List.of(), FootprintAgentMain.class.getName(),
        "agent", "--config", config.toString());
    agents[p].awaitLine(FaultRelay.AGENT_STARTED, START_TIMEOUT);
  }

  int httpPort(int node) {
    return httpPorts[node];
  }

  /** The live node that most lately authenticated practice {@code p}'s agent, or -1. */
  int nodeHolding(int p) {
    int holder = -1;
    long latest = 0;
    for (int i = 0; i < NODES; i++) {
      if (!nodes[i].isAlive()) {
        continue;
      }
      ChildProcess.Matched last = nodes[i].lastLine(Pattern.compile(
          "agent of practice " + Pattern.quote(practiceIds.get(p)) + " authenticated"));
      if (last != null && (holder == -1 || last.nanos() - latest > 0)) {
        latest = last.nanos();
        holder = i;
      }
    }
    return holder;
  }

  /** When a live node other than {@code not} authenticated practice {@code p}'s agent after {@code sinceNanos}; waits. */
  long awaitAgentAt(int p, int not, long sinceNanos, Duration timeout) throws InterruptedException {
    Pattern authenticated = Pattern.compile("agent of practice " + Pattern.quote(practiceIds.get(p)) + " authenticated");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < NODES; i++) {
        if (i != not && nodes[i].isAlive()) {
          ChildProcess.Matched m = nodes[i].lastLine(authenticated);
          if (m != null && m.nanos() - sinceNanos >= 0) {
            return m.nanos();
          }
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("practice " + p + "'s agent was not at another node within " + timeout);
  }

  /** Sends quick queries for practice {@code p} at node {@code node} until one comes back whole. */
  void awaitServing(int node, int p, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Answer last = null;
    while (System.nanoTime() < deadline) {
      last = send(node, p, Query.quick(pms.newTag(), false)).get();
      if (last.kind() == Answer.Kind.COMPLETE) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no query for practice " + p + " at node " + node + " succeeded within " + timeout
        + "; the last answer: " + last);
  }

  java.util.concurrent.CompletableFuture<Answer> send(int node, int p, Query query) throws IOException, InterruptedException {
    return client.send(httpPorts[node], practiceIds.get(p), integrator, query);
  }

  private String admin(String... words) {
    return FaultRelay.admin(nodeConfigs[0], words);
  }

  private static String find(String text, String regex) {
    return FaultRelay.find(text, regex);
  }

  private static int freePort() {
    return FaultRelay.freePort();
  }

  /** Kills what still runs and stops the database; keeps the logs. */
  @Override
  public void close() throws Exception {
    try {
      for (ChildProcess agent : agents) {
        if (agent != null) {
          agent.close();
        }
      }
      for (ChildProcess node : nodes) {
        if (node != null) {
          node.close();
        }
      }
    } finally {
      if (pms != null) {
        pms.close();
      }
      postgres.close();
    }
  }
}
