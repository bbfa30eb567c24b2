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
 */
public final class DemoMode {
  /** The running demo, for tests that start it in-process. */
  public record Running(Vertx vertx, CloudNode cloud, List<AgentNode> agents, DemoSeed.Seeded seeded, Path dataDir,
      JsonObject credentials) {
    public Future<Void> close() {
      return vertx.close();
    }
  }

  private DemoMode() {}

  public static Running start(Path configFile, Integer port, Path dataDirOverride, PrintStream out) throws IOException {
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
    JsonObject cloudJson = ConfigLoader.defaults("cloud");
    cloudJson.put("dataDir", cloudDir.toString());
    cloudJson.getJsonObject("http").put("host", host).put("port", httpPort);
    cloudJson.getJsonObject("bridge").put("host", "127.0.0.1").put("port", 0);
    CloudConfig cloudConfig = CloudConfig.from(cloudJson);

    Vertx vertx = VertxRuntime.create();
    CloudNode cloud = new CloudNode(vertx, cloudConfig);
    List<AgentNode> agents = new ArrayList<>();
    VertxRuntime.closeOnShutdown(vertx, () -> cloud.shutdown(cloudConfig.shutdownGraceMs())
        .eventually(() -> Future.join(agents.stream().map(AgentNode::stop).toList()).mapEmpty()),
        cloudConfig.shutdownGraceMs());
    cloud.start().await();
    DemoSeed.Seeded seeded = DemoSeed.seed(cloud);

    for (int i = 0; i < seeded.practices().size(); i++) {
      DemoSeed.SeededPractice practice = seeded.practices().get(i);
      AgentConfig agentConfig = AgentConfig.from(agentJson(cloud, practice, dataDir, seed + i, patients));
      agents.add(new AgentNode(vertx, agentConfig).start().await());
    }
    awaitConnected(cloud, seeded);

    String apiBase = "http://" + displayHost(host) + ":" + cloud.httpPort();
    JsonObject credentials = seeded.credentials(apiBase);
    Files.createDirectories(dataDir);
    Path credentialsFile = dataDir.resolve("credentials.json");
    Files.writeString(credentialsFile, credentials.encodePrettily());
    out.println(DemoBanner.text(credentials, credentialsFile));
    out.flush();
    return new Running(vertx, cloud, agents, seeded, dataDir, credentials);
  }

  private static JsonObject agentJson(CloudNode cloud, DemoSeed.SeededPractice practice, Path dataDir, long seed, int patients) {
    JsonObject json = ConfigLoader.defaults("agent");
    json.put("practiceId", practice.practiceId()).put("agentKey", practice.agentKey());
    json.getJsonObject("cloud").put("host", "127.0.0.1").put("port", cloud.bridgePort())
        .getJsonObject("tls").put("pinnedSha256", cloud.tls().fingerprintSha256());
    json.getJsonObject("reconnect").put("initialDelayMs", 200).put("maxDelayMs", 5000);
    json.put("pingIntervalMs", 2000); // the console shows each agent's load as of its last heartbeat
    json.getJsonObject("pms").put("kind", "demo").put("product", "demo").put("catalogues", new JsonArray().add("DemoPMS"))
        .getJsonObject("demo").put("dir", dataDir.resolve("pms").resolve(practice.slug()).toString())
        .put("seed", seed).put("patients", patients);
    return json;
  }

  private static void awaitConnected(CloudNode cloud, DemoSeed.Seeded seeded) {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      if (seeded.practices().stream().allMatch(p -> cloud.agents().isConnected(p.practiceId()))) {
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
