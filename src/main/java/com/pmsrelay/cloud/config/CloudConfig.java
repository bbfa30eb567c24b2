package com.pmsrelay.cloud.config;

import com.pmsrelay.cloud.auth.JwtSettings;
import com.pmsrelay.cloud.bridge.BridgeConfig;
import com.pmsrelay.cloud.edge.ClientAddress;
import com.pmsrelay.cloud.edge.TrustedProxies;
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
    com.pmsrelay.cloud.throttle.ThrottleConfig throttle,
    com.pmsrelay.cloud.schema.SchemaConfig schema,
    RegisteredConfig registered,
    com.pmsrelay.cloud.webhook.WebhooksConfig webhooks) {

  /**
   * Registered queries: {@code everySeconds} from {@code minEverySeconds} to {@code maxEverySeconds},
   * an expiry at most {@code maxDays} ahead (also the default), at most {@code perIntegratorPerPractice}
   * unexpired registrations of one integrator at one practice, results at most {@code maxResultBytes};
   * every {@code sweepIntervalMs} a node marks the registrations that expired and takes them out of
   * their agents' sets.
   */
  public record RegisteredConfig(int minEverySeconds, int maxEverySeconds, int maxDays, int perIntegratorPerPractice,
      long maxResultBytes, long sweepIntervalMs) {}

  /**
   * The integrator API's listener; {@code instances} copies of it share the port. The edge's
   * time-outs and per-address cap keep idle and slow clients from holding connections for free.
   */
  public record HttpConfig(String host, int port, int maxBodyBytes, int instances, long idleTimeoutMs,
      long headerTimeoutMs, int maxConnectionsPerAddress, ApiTls tls, TrustedProxies trustedProxies,
      ClientAddress.Header forwardedHeader, boolean proxyProtocol) {

    HttpConfig withPort(int newPort) {
      return new HttpConfig(host, newPort, maxBodyBytes, instances, idleTimeoutMs, headerTimeoutMs,
          maxConnectionsPerAddress, tls, trustedProxies, forwardedHeader, proxyProtocol);
    }

    HttpConfig withInstances(int count) {
      return new HttpConfig(host, port, maxBodyBytes, count, idleTimeoutMs, headerTimeoutMs, maxConnectionsPerAddress,
          tls, trustedProxies, forwardedHeader, proxyProtocol);
    }

    /**
     * Whether the per-address cap applies: not behind a TLS proxy that this node cannot tell apart
     * from its clients (no trusted proxies, no PROXY protocol), where every connection has the
     * proxy's address. Trusted proxies' own connections are exempt ({@link ClientAddress#fromTrustedProxy}).
     */
    public boolean capsConnectionsPerAddress() {
      return !tls.behindProxy() || !trustedProxies.isEmpty() || proxyProtocol;
    }

    /** The resolver of requests' client addresses these settings make. */
    public ClientAddress clientAddress() {
      return new ClientAddress(trustedProxies, forwardedHeader);
    }
  }

  /**
   * TLS on the API: PEM certificate and key (both or neither), or the operator's word that a
   * TLS-terminating proxy is in front ({@code behindProxy}). The cloud mode needs one of the two
   * ({@link #requireForProduction}); the demo and tests in one process run plain HTTP.
   */
  public record ApiTls(String certPath, String keyPath, boolean behindProxy) {
    public static final String REFUSAL = "the API needs TLS outside the demo: set 'http.tls.certPath' and "
        + "'http.tls.keyPath' (PEM files; PMSRELAY_HTTP_TLS_CERT_PATH, PMSRELAY_HTTP_TLS_KEY_PATH), or "
        + "'http.tls.behindProxy': true (PMSRELAY_HTTP_TLS_BEHIND_PROXY) when a TLS-terminating proxy is in front";

    static ApiTls from(ConfigReader tls) {
      String cert = tls.optionalString("certPath");
      String key = tls.optionalString("keyPath");
      if ((cert == null) != (key == null)) {
        throw new ConfigException("config keys 'http.tls.certPath' and 'http.tls.keyPath' must be set together");
      }
      return new ApiTls(cert, key, tls.bool("behindProxy"));
    }

    /** Whether this node serves HTTPS itself. */
    public boolean enabled() {
      return certPath != null;
    }

    /**
     * Strict-Transport-Security goes out when the client's connection is TLS: ours, or the proxy's
     * (browsers ignore it over plain HTTP, so a wrong switch costs nothing).
     */
    public boolean hsts() {
      return enabled() || behindProxy;
    }

    /** Throws, naming the keys, unless the API has TLS or the operator said a proxy provides it. */
    public ApiTls requireForProduction() {
      if (!enabled() && !behindProxy) {
        throw new ConfigException(REFUSAL);
      }
      return this;
    }

    /** Throws, naming the key, when a configured file cannot be read. Blocking (file system). */
    public void checkFiles() {
      if (!enabled()) {
        return;
      }
      for (String[] file : new String[][] {{"http.tls.certPath", certPath}, {"http.tls.keyPath", keyPath}}) {
        if (!java.nio.file.Files.isReadable(Path.of(file[1]))) {
          throw new ConfigException("config key '" + file[0] + "': cannot read " + file[1]);
        }
      }
    }

    /** The start-up log's one line on how integrators' connections are secured. */
    public String describe() {
      if (enabled()) {
        return "API over HTTPS (certificate " + certPath + "), Strict-Transport-Security on every answer";
      }
      if (behindProxy) {
        return "API over plain HTTP behind a TLS-terminating proxy (http.tls.behindProxy): the proxy serves HTTPS";
      }
      return "API over plain HTTP without TLS: demo and tests only (the cloud mode needs http.tls.certPath/keyPath "
          + "or http.tls.behindProxy)";
    }
  }

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
            http.instances("instances"), http.longValue("idleTimeoutMs", 100, 3_600_000),
            http.longValue("headerTimeoutMs", 100, 600_000), http.integer("maxConnectionsPerAddress", 1, 1_000_000),
            ApiTls.from(http.section("tls")),
            TrustedProxies.parse("http.trustedProxies", http.array("trustedProxies").getList()),
            forwardedHeader(http.oneOf("forwardedHeader", FORWARDED_HEADERS)),
            http.bool("proxyProtocol")),
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
        com.pmsrelay.cloud.throttle.ThrottleConfig.from(root.section("throttle")),
        com.pmsrelay.cloud.schema.SchemaConfig.from(root.section("schema")),
        new RegisteredConfig(root.integer("registered.minEverySeconds", 1, 86_400),
            root.integer("registered.maxEverySeconds", 60, 30 * 86_400), root.integer("registered.maxDays", 1, 365),
            root.integer("registered.perIntegratorPerPractice", 1, 10_000),
            root.longValue("registered.maxResultBytes", 1024, 1L << 30),
            root.longValue("registered.sweepIntervalMs", 100, 3_600_000)),
        com.pmsrelay.cloud.webhook.WebhooksConfig.from(root.section("webhooks")));
  }

  private static final java.util.List<String> FORWARDED_HEADERS = java.util.Arrays.stream(ClientAddress.Header.values())
      .map(ClientAddress.Header::headerName).toList();

  private static ClientAddress.Header forwardedHeader(String name) {
    return ClientAddress.Header.named(name);
  }

  /**
   * The start-up log's one line on where clients' addresses come from (the throttles', the
   * connection cap's and the monitor's key): trusted proxies and their header, the PROXY protocol
   * on either listener, or the TCP peer alone; and a warning when behind a proxy none of it is set.
   */
  public String describeClientAddresses() {
    StringBuilder line = new StringBuilder("client addresses: ");
    if (http.trustedProxies().isEmpty()) {
      line.append("no trusted proxies (http.trustedProxies empty: forwarded headers ignored)");
    } else {
      line.append(http.forwardedHeader().headerName()).append(" read from trusted proxies ")
          .append(String.join(", ", http.trustedProxies().entries()))
          .append(" (their own connections not capped per address)");
    }
    line.append("; PROXY protocol ").append(http.proxyProtocol() ? "expected" : "off").append(" on the API (http.proxyProtocol), ")
        .append(bridge.proxyProtocol() ? "expected" : "off").append(" on the agent bridge (bridge.proxyProtocol)");
    line.append("; per-address connection cap ").append(http.capsConnectionsPerAddress()
        ? http.maxConnectionsPerAddress() : "off (every connection comes from the proxy)");
    if (blindBehindProxy()) {
      line.append("; WARNING: behind a proxy (http.tls.behindProxy) that is not trusted, every integrator has the "
          + "proxy's address: one client's failures throttle all; set http.trustedProxies");
    }
    return line.toString();
  }

  /** Behind a TLS proxy that is neither trusted nor sending the PROXY protocol: every client has its address. */
  public boolean blindBehindProxy() {
    return http.tls().behindProxy() && http.trustedProxies().isEmpty() && !http.proxyProtocol();
  }

  /** The same settings with this many HTTP API and bridge instances. */
  public CloudConfig withInstances(int httpInstances, int bridgeInstances) {
    return new CloudConfig(dataDir, http.withInstances(httpInstances),
        bridge.withInstances(bridgeInstances), store, jwt, queries, results, keys, auditRetentionDays, auditSignEveryMs, shutdownGraceMs,
        cluster, monitor, management, throttle, schema, registered, webhooks);
  }

  public CloudConfig withPorts(int httpPort, int bridgePort) {
    return new CloudConfig(dataDir, http.withPort(httpPort),
        bridge.withPort(bridgePort), store, jwt, queries, results, keys, auditRetentionDays, auditSignEveryMs, shutdownGraceMs,
        cluster, monitor, management, throttle, schema, registered, webhooks);
  }
}
