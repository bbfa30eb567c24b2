package com.pmsrelay.bench;

import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.CloudNodes;
import com.pmsrelay.cloud.auth.TokenService;
import com.pmsrelay.cloud.auth.TokenVerifier;
import com.pmsrelay.cloud.bridge.TlsMaterial;
import com.pmsrelay.cloud.cluster.Clustering;
import com.pmsrelay.cloud.cluster.LoopbackCluster;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.cloud.store.StoreConfig;
import com.pmsrelay.common.VertxRuntime;
import com.pmsrelay.common.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A cloud node in this JVM on loopback (its own Vert.x, a temporary data directory, ephemeral
 * ports, bridge on 127.0.0.1), with the operator's set-up the benchmarks need: practices,
 * integrators, grants, and the configuration of an agent that dials it. Several such nodes may
 * form a cluster ({@link #cluster}).
 */
final class BenchCloud implements AutoCloseable {
  final Vertx vertx;
  final CloudNode node;

  private BenchCloud(Vertx vertx, CloudConfig config, Function<TokenService, TokenVerifier> bearer) {
    this.vertx = vertx;
    CloudNode started;
    try {
      started = CloudNodes.withBearerVerifier(vertx, config, bearer).start().await();
    } catch (RuntimeException e) {
      vertx.close().await();
      throw e;
    }
    node = started;
  }

  /** The shipped defaults on loopback, ephemeral ports; {@code instances} of the HTTP API and bridge (0: default). */
  private static JsonObject json(Path dataDir, int instances) {
    JsonObject json = ConfigLoader.defaults("cloud");
    json.put("dataDir", dataDir.toString());
    // Every benchmark client comes from 127.0.0.1, with up to 256 connections: no per-address cap.
    json.getJsonObject("http").put("host", "127.0.0.1").put("port", 0).put("maxConnectionsPerAddress", 1_000_000);
    json.getJsonObject("bridge").put("host", "127.0.0.1").put("port", 0);
    json.getJsonObject("management").put("port", 0); // /metrics on a free port: nodes side by side
    if (instances > 0) {
      json.getJsonObject("http").put("instances", instances);
      json.getJsonObject("bridge").put("instances", instances);
    }
    return json;
  }

  static BenchCloud start(Path dataDir) {
    return start(dataDir, tokens -> tokens, 0);
  }

  /** A node whose API checks bearer tokens with {@code bearer} (the auth benchmark's switch). */
  static BenchCloud start(Path dataDir, Function<TokenService, TokenVerifier> bearer) {
    return start(dataDir, bearer, 0);
  }

  /**
   * A node checking bearer tokens with {@code bearer}, its HTTP API and bridge deployed as
   * {@code instances} instances each (0: the configured default, one per processor).
   */
  static BenchCloud start(Path dataDir, Function<TokenService, TokenVerifier> bearer, int instances) {
    return start(dataDir, bearer, instances, new JsonObject());
  }

  /** The same, with {@code overrides} merged (deeply) over the cloud's settings. */
  static BenchCloud start(Path dataDir, Function<TokenService, TokenVerifier> bearer, int instances,
      JsonObject overrides) {
    return new BenchCloud(VertxRuntime.create(), CloudConfig.from(json(dataDir, instances).mergeIn(overrides, true)),
        bearer);
  }

  /**
   * {@code count} nodes of one cluster, each its own clustered Vert.x (Hazelcast on loopback,
   * {@link LoopbackCluster}), sharing one embedded store, one bridge certificate and one results directory and key under
   * {@code dir}, as the demo's nodes do; otherwise as {@link #start(Path, Function, int)}.
   */
  static List<BenchCloud> cluster(Path dir, int count, Function<TokenService, TokenVerifier> bearer, int instances)
      throws IOException {
    TlsMaterial tls = TlsMaterial.configuredOrSelfSigned(CloudConfig.from(json(dir, instances)).bridge(), dir);
    List<JsonObject> sections = LoopbackCluster.sections(count);
    String masterKey = com.pmsrelay.cloud.keys.MasterKey.generate();
    List<BenchCloud> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        JsonObject json = json(dir.resolve("node-" + i), instances);
        json.getJsonObject("bridge").put("tls", new JsonObject().put("certPath", tls.certPath()).put("keyPath", tls.keyPath()));
        json.getJsonObject("store").put("url", StoreConfig.embeddedH2(dir.resolve("store").resolve("control")));
        json.getJsonObject("keys").put("master", masterKey);
        json.getJsonObject("results").put("dir", dir.resolve("results").toString());
        json.getJsonObject("cluster").mergeIn(sections.get(i));
        CloudConfig config = CloudConfig.from(json);
        nodes.add(new BenchCloud(Clustering.start(config.cluster(), new VertxOptions()).await(), config, bearer));
      }
    } catch (RuntimeException e) {
      nodes.forEach(BenchCloud::close);
      throw e;
    }
    return nodes;
  }

  PracticeStore.Created practice(String name) {
    return node.practices().create(name).await();
  }

  IntegratorStore.Created integrator(String name) {
    return node.integrators().create(name, null).await();
  }

  /** Grants {@code clientId} access to the practice: every table, the default limits but this rate. */
  void grant(String practiceId, String clientId, int ratePerMinute) {
    Grant defaults = Grant.withDefaults(practiceId, clientId, GrantStatus.ENABLED);
    node.grants().put(new Grant(practiceId, clientId, GrantStatus.ENABLED, new JsonArray(), defaults.maxRows(),
        defaults.maxTimeoutMs(), defaults.maxQueueTimeoutMs(), ratePerMinute, defaults.weight())).await();
  }

  /** Grants {@code clientId} access to the practice: every table, these caps on rows and time, the default rate. */
  void grant(String practiceId, String clientId, int maxRows, int maxTimeoutMs) {
    Grant defaults = Grant.withDefaults(practiceId, clientId, GrantStatus.ENABLED);
    node.grants().put(new Grant(practiceId, clientId, GrantStatus.ENABLED, new JsonArray(), maxRows, maxTimeoutMs,
        defaults.maxQueueTimeoutMs(), defaults.ratePerMinute(), defaults.weight())).await();
  }

  /** The shipped agent defaults (conf/agent.json), dialling this cloud's bridge with its certificate pinned. */
  JsonObject agentJson(PracticeStore.Created practice) {
    return agentJson(practice.practiceId(), practice.agentKey(), node.bridgePort(), node.tls().fingerprintSha256());
  }

  static JsonObject agentJson(String practiceId, String agentKey, int bridgePort, String pin) {
    JsonObject json = ConfigLoader.defaults("agent");
    json.put("practiceId", practiceId).put("agentKey", agentKey);
    json.getJsonObject("cloud").put("host", "127.0.0.1").put("port", bridgePort)
        .getJsonObject("tls").put("pinnedSha256", pin);
    return json;
  }

  /** Waits until the practice's agent is connected, or fails after {@code timeoutMs}. */
  void awaitAgent(String practiceId, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!node.agents().isConnected(practiceId)) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("the agent did not connect to the cloud within " + timeoutMs + " ms");
      }
      Thread.sleep(20);
    }
  }

  int httpPort() {
    return node.httpPort();
  }

  @Override
  public void close() {
    try {
      node.stop().await();
    } catch (RuntimeException e) {
      // best effort: the run is over
    }
    vertx.close().await();
  }
}
