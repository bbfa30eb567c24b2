package com.pmsrelay.cloud.config;

import com.pmsrelay.cloud.auth.JwtSettings;
import com.pmsrelay.cloud.bridge.BridgeConfig;
import com.pmsrelay.cloud.store.StoreConfig;
import com.pmsrelay.common.config.ConfigException;
import com.pmsrelay.common.config.ConfigReader;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/** The cloud's settings, read from {@code conf/cloud.json} and validated at start. */
public record CloudConfig(
    Path dataDir,
    HttpConfig http,
    BridgeConfig bridge,
    StoreConfig store,
    JwtSettings jwt,
    QueryLimits queries,
    ResultsConfig results,
    com.pmsrelay.cloud.keys.KeysConfig keys,
    int auditRetentionDays,
    int auditSignEveryMs,
    int shutdownGraceMs,
    com.pmsrelay.cloud.cluster.ClusterConfig cluster,
    com.pmsrelay.cloud.monitor.MonitorConfig monitor,
    com.pmsrelay.cloud.metrics.ManagementConfig management,
    com.pmsrelay.cloud.throttle.ThrottleConfig throttle) {

  /** The integrator API's listener; {@code instances} copies of it share the port. */
  public record HttpConfig(String host, int port, int maxBodyBytes, int instances) {}

  /** Cloud-wide caps on queries; a grant may lower them, a request may lower them further. */
  public record QueryLimits(
      int defaultTimeoutMs, int maxTimeoutMs, int defaultQueueTimeoutMs, int maxQueueTimeoutMs,
      int defaultMaxRows, int maxRows, long maxResultBytes, int maxSqlChars, int rateBurstSeconds,
      long asyncQueueTimeoutMs) {}

  /**
   * Kept results (async queries, and immediate ones sent with an idempotency key): the directory
   * that holds them (every node of a cluster reads the others', so there it is one shared
   * directory), how long they are kept, and how many bytes of them one integrator may hold. The
   * master key ({@code keys}) seals them.
   */
  public record ResultsConfig(Path dir, long retentionMs, long quotaBytesPerIntegrator) {}

  public static CloudConfig from(JsonObject json) {
    ConfigReader root = new ConfigReader(json);
    Path dataDir = Path.of(root.string("dataDir"));
    ConfigReader http = root.section("http");
    ConfigReader q = root.section("queries");
    ConfigReader results = root.section("results");
    String resultsDir = results.optionalString("dir");
    com.pmsrelay.cloud.cluster.ClusterConfig cluster = com.pmsrelay.cloud.cluster.ClusterConfig.from(root.section("cluster"));
    ConfigReader keys = root.section("keys");
    if (cluster.enabled() && (keys.optionalString("master") == null || resultsDir == null)) {
      // A result kept by one node is fetched at any other: they must read the same files with the same key.
      throw new ConfigException("a clustered node needs 'keys.master' (PMSRELAY_KEYS_MASTER) and 'results.dir', "
          + "the same on every node, the directory one that every node shares");
    }
    return new CloudConfig(
        dataDir,
        new HttpConfig(http.string("host"), http.integer("port", 0, 65_535), http.integer("maxBodyBytes", 1024, 16 * 1024 * 1024),
            http.instances("instances")),
        BridgeConfig.from(root.section("bridge")),
        StoreConfig.from(root.section("store"), dataDir),
        JwtSettings.from(root.section("jwt")),
        new QueryLimits(
            q.integer("defaultTimeoutMs", 100, 3_600_000),
            q.integer("maxTimeoutMs", 100, 3_600_000),
            q.integer("defaultQueueTimeoutMs", 0, 3_600_000),
            q.integer("maxQueueTimeoutMs", 0, 3_600_000),
            q.integer("defaultMaxRows", 1, 10_000_000),
            q.integer("maxRows", 1, 10_000_000),
            q.longValue("maxResultBytes", 1024, 1L << 34),
            q.integer("maxSqlChars", 16, 1_000_000),
            q.integer("rateBurstSeconds", 1, 60),
            q.longValue("asyncQueueTimeoutMs", 1_000, 86_400_000)),
        new ResultsConfig(
            resultsDir == null ? dataDir.resolve("results") : Path.of(resultsDir),
            java.util.concurrent.TimeUnit.HOURS.toMillis(root.integer("results.retentionHours", 1, 24 * 90)),
            root.longValue("results.quotaBytesPerIntegrator", 1024 * 1024, 1L << 44)),
        new com.pmsrelay.cloud.keys.KeysConfig(keys.optionalString("master"), keys.optionalString("previous")),
        root.integer("audit.retentionDays", 1, 36_500),
        root.integer("audit.signHeadsEveryMs", 100, 3_600_000),
        root.integer("shutdownGraceMs", 0, 600_000),
        cluster,
        com.pmsrelay.cloud.monitor.MonitorConfig.from(root.section("monitor")),
        com.pmsrelay.cloud.metrics.ManagementConfig.from(root.section("management")),
        com.pmsrelay.cloud.throttle.ThrottleConfig.from(root.section("throttle")));
  }

  /** The same settings with this many HTTP API and bridge instances. */
  public CloudConfig withInstances(int httpInstances, int bridgeInstances) {
    return new CloudConfig(dataDir, new HttpConfig(http.host(), http.port(), http.maxBodyBytes(), httpInstances),
        bridge.withInstances(bridgeInstances), store, jwt, queries, results, keys, auditRetentionDays, auditSignEveryMs, shutdownGraceMs,
        cluster, monitor, management, throttle);
  }

  public CloudConfig withPorts(int httpPort, int bridgePort) {
    return new CloudConfig(dataDir, new HttpConfig(http.host(), httpPort, http.maxBodyBytes(), http.instances()),
        bridge.withPort(bridgePort), store, jwt, queries, results, keys, auditRetentionDays, auditSignEveryMs, shutdownGraceMs,
        cluster, monitor, management, throttle);
  }
}
