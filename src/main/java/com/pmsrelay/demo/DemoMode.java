package com.pmsrelay.demo;

import com.pmsrelay.agent.AgentNode;
import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.common.VertxRuntime;
import com.pmsrelay.common.config.ConfigLoader;
import com.pmsrelay.common.config.ConfigReader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code demo} mode (API.md, "Demo mode"): a cloud on loopback and two agents, each on its own
 * synthetic demo PMS, seeded with two practices, three integrators and two console logins, all
 * written to {@code credentials.json} and printed with a curl example that works when pasted.
 * With {@code --nodes N} the cloud is N clustered nodes (each its own Vert.x and API port, one
 * embedded store, one bridge certificate) with the agents spread over them.
 */
public final class DemoMode {
  /** The running demo, for tests that start it in-process; {@code cloud} is the first of {@code nodes}. */
  public record Running(Vertx vertx, CloudNode cloud, List<AgentNode> agents, DemoSeed.Seeded seeded, Path dataDir,
      JsonObject credentials, List<CloudNode> nodes, List<Vertx> vertxes) {
    public Future<Void> close() {
      return Future.join(vertxes.stream().map(Vertx::close).toList()).mapEmpty();
    }
  }

  private DemoMode() {}

  public static Running start(Path configFile, Integer port, Path dataDirOverride, PrintStream out) throws IOException {
    return start(configFile, port, dataDirOverride, 1, out);
  }

  public static Running start(Path configFile, Integer port, Path dataDirOverride, int nodeCount, PrintStream out)
      throws IOException {
    return start(configFile, port, dataDirOverride, nodeCount, new JsonObject(), out);
  }

  /**
   * The demo with {@code cloudOverrides} merged into every node's cloud settings (the same shape as
   * conf/cloud.json): for tests that run the demo with, say, the monitor's thresholds lowered.
   */
  public static Running start(Path configFile, Integer port, Path dataDirOverride, int nodeCount,
      JsonObject cloudOverrides, PrintStream out) throws IOException {
    ConfigReader demo = new ConfigReader(ConfigLoader.load("demo", configFile, System.getenv()));
    Path dataDir = dataDirOverride != null ? dataDirOverride : Path.of(demo.string("dataDir"));
    int httpPort = port != null ? port : demo.integer("http.port", 0, 65_535);
    String host = demo.string("http.host");
    long seed = demo.longValue("seed", Long.MIN_VALUE, Long.MAX_VALUE);
    int patients = demo.integer("patients", 10, 200_000);

    // The control store is demo data: seeded anew each start, so credentials.json always matches.
    Path cloudDir = dataDir.resolve("cloud");
    deleteTree(cloudDir.resolve("store"));
    deleteTree(cloudDir.resolve("results"));
    List<CloudConfig> configs = new ArrayList<>();
    List<JsonObject> clusters = nodeCount == 1 ? List.of() : com.pmsrelay.cloud.cluster.LoopbackCluster.sections(nodeCount);
    // Results kept by one node are read at any other: one directory, one master key (new each start, as the results are).
    String masterKey = com.pmsrelay.cloud.keys.MasterKey.generate();
    for (int i = 0; i < nodeCount; i++) {
      configs.add(nodeConfig(cloudDir, i, clusters, host, httpPort == 0 ? 0 : httpPort + i, masterKey, cloudOverrides));
    }

    List<Vertx> vertxes = new ArrayList<>();
    List<CloudNode> nodes = new ArrayList<>();
    List<AgentNode> agents = new ArrayList<>();
    for (int i = 0; i < nodeCount; i++) {
      CloudConfig config = configs.get(i);
      // Each node's Vert.x reports into the node's registry: its metricsUrl shows both.
      com.pmsrelay.common.metrics.NodeMetrics metrics = new com.pmsrelay.common.metrics.NodeMetrics();
      Vertx vertx = nodeCount == 1 ? VertxRuntime.create(new io.vertx.core.VertxOptions(), metrics)
          : com.pmsrelay.cloud.cluster.Clustering.start(config.cluster(), new io.vertx.core.VertxOptions(), metrics).await();
      vertxes.add(vertx);
      nodes.add(new CloudNode(vertx, config, metrics).start().await());
    }
    // Agents on a Vert.x of their own, as on the practices' servers.
    Vertx agentVertx = nodeCount == 1 ? vertxes.get(0) : VertxRuntime.create();
    if (nodeCount > 1) {
      vertxes.add(agentVertx);
    }
    long grace = configs.get(0).shutdownGraceMs();
    VertxRuntime.closeOnShutdown(vertxes.get(0), () -> Future.join(nodes.stream().map(n -> n.shutdown(grace)).toList())
        .eventually(() -> Future.join(agents.stream().map(AgentNode::stop).toList()))
        .eventually(() -> Future.join(vertxes.subList(1, vertxes.size()).stream().map(Vertx::close).toList()))
        .mapEmpty(), grace);
    CloudNode first = nodes.get(0);
    DemoSeed.Seeded seeded = DemoSeed.seed(first);

    for (int i = 0; i < seeded.practices().size(); i++) {
      DemoSeed.SeededPractice practice = seeded.practices().get(i);
      List<CloudNode> order = new ArrayList<>(nodes.subList(i % nodeCount, nodeCount));
      order.addAll(nodes.subList(0, i % nodeCount)); // agent i starts at node i, the others after it
      AgentConfig agentConfig = AgentConfig.from(agentJson(order, practice, dataDir, seed + i, patients));
      agents.add(new AgentNode(agentVertx, agentConfig).start().await());
    }
    awaitConnected(nodes, seeded);

    List<String> apiBases = nodes.stream().map(n -> "http://" + displayHost(host) + ":" + n.httpPort()).toList();
    JsonObject credentials = seeded.credentials(apiBases.get(0));
    credentials.put("metricsUrl", "http://127.0.0.1:" + first.managementPort() + "/metrics");
    if (nodeCount > 1) {
      credentials.put("apiBaseUrls", new JsonArray(new ArrayList<>(apiBases)));
      credentials.put("metricsUrls", new JsonArray(nodes.stream()
          .map(n -> "http://127.0.0.1:" + n.managementPort() + "/metrics").toList()));
    }
    Files.createDirectories(dataDir);
    Path credentialsFile = dataDir.resolve("credentials.json");
    Files.writeString(credentialsFile, credentials.encodePrettily());
    out.println(DemoBanner.text(credentials, credentialsFile));
    out.flush();
    return new Running(vertxes.get(0), first, agents, seeded, dataDir, credentials, List.copyOf(nodes),
        List.copyOf(vertxes));
  }

  /** The demo signs its audit heads this often (a node's default is a minute). */
  static final int DEMO_SIGN_HEADS_EVERY_MS = 5_000;

  /**
   * Node {@code i} of {@code count}: alone, as the single demo cloud always was; clustered, each
   * under its own directory, on the first node's embedded store (one process) and bridge
   * certificate (generated here once, so every node serves the one the agents pin), kept results
   * in one directory under one master key, members on loopback.
   */
  private static CloudConfig nodeConfig(Path cloudDir, int i, List<JsonObject> clusters, String host, int httpPort,
      String masterKey, JsonObject overrides) throws IOException {
    int count = Math.max(1, clusters.size());
    JsonObject json = ConfigLoader.defaults("cloud").mergeIn(overrides.copy(), true);
    json.put("dataDir", (count == 1 ? cloudDir : cloudDir.resolve("node" + (i + 1))).toString());
    // Every demo client (browser, curl, the tests' pools) is 127.0.0.1: a per-address cap would cap them all together.
    json.getJsonObject("http").put("host", host).put("port", httpPort).put("maxConnectionsPerAddress", 1024);
    json.getJsonObject("bridge").put("host", "127.0.0.1").put("port", 0);
    // /metrics on a free loopback port (written to credentials.json as metricsUrl): demos and tests side by side.
    json.getJsonObject("management").put("host", "127.0.0.1").put("port", 0);
    // Audit heads signed every 5 s, not every minute: a demo's console shows its changes signed at once.
    json.getJsonObject("audit").put("signHeadsEveryMs", DEMO_SIGN_HEADS_EVERY_MS);
    // A webhook receiver on this machine (http://127.0.0.1:<port>): nothing in the demo reaches outside it.
    json.getJsonObject("webhooks").put("allowLoopback", true);
    // A master key of this start's: the demo's store and kept results are new each start too.
    json.getJsonObject("keys").put("master", masterKey);
    if (count > 1) {
      com.pmsrelay.cloud.bridge.TlsMaterial tls = com.pmsrelay.cloud.bridge.TlsMaterial.configuredOrSelfSigned(
          CloudConfig.from(ConfigLoader.defaults("cloud").put("dataDir", cloudDir.toString())).bridge(), cloudDir);
      json.getJsonObject("bridge").put("tls", new JsonObject().put("certPath", tls.certPath()).put("keyPath", tls.keyPath()));
      json.getJsonObject("store").put("url", com.pmsrelay.cloud.store.StoreConfig.embeddedH2(
          cloudDir.resolve("store").resolve("control")));
      json.getJsonObject("results").put("dir", cloudDir.resolve("results").toString());
      json.getJsonObject("cluster").mergeIn(clusters.get(i));
    }
    return CloudConfig.from(json);
  }

  /** An agent that dials the first of {@code nodes} and the others after it. */
  private static JsonObject agentJson(List<CloudNode> nodes, DemoSeed.SeededPractice practice, Path dataDir, long seed,
      int patients) {
    CloudNode cloud = nodes.get(0);
    JsonObject json = ConfigLoader.defaults("agent");
    json.put("practiceId", practice.practiceId()).put("agentKey", practice.agentKey());
    json.getJsonObject("cloud").put("host", "127.0.0.1").put("port", cloud.bridgePort())
        .put("alsoAt", String.join(",", nodes.subList(1, nodes.size()).stream()
            .map(n -> "127.0.0.1:" + n.bridgePort()).toList()))
        .getJsonObject("tls").put("pinnedSha256", cloud.tls().fingerprintSha256());
    json.getJsonObject("reconnect").put("initialDelayMs", 200).put("maxDelayMs", 5000);
    json.put("pingIntervalMs", 2000); // the console shows each agent's load as of its last heartbeat
    json.getJsonObject("registered").put("dir", dataDir.resolve("agents").resolve(practice.slug()).toString());
    json.getJsonObject("pms").put("kind", "demo").put("product", "demo").put("catalogues", new JsonArray().add("DemoPMS"))
        .getJsonObject("demo").put("dir", dataDir.resolve("pms").resolve(practice.slug()).toString())
        .put("seed", seed).put("patients", patients);
    return json;
  }

  private static void awaitConnected(List<CloudNode> nodes, DemoSeed.Seeded seeded) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      if (seeded.practices().stream().allMatch(p -> nodes.stream().anyMatch(n -> n.agents().isConnected(p.practiceId())))) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new IllegalStateException("the demo agents did not connect within 30 s");
  }

  private static String displayHost(String host) {
    return host.equals("0.0.0.0") ? "127.0.0.1" : host;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

}
