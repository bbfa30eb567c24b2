package com.pmsrelay.agent.config;

import com.pmsrelay.common.config.ConfigException;
import com.pmsrelay.common.config.ConfigReader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The agent's settings, read from {@code conf/agent.json} and validated at start. */
public record AgentConfig(
    String practiceId,
    String agentKey,
    CloudLink cloud,
    int pingIntervalMs,
    Pms pms,
    Exec exec,
    Registered registered,
    Update update) {

  /**
   * Self-update: {@code releasePublicKey} the release key the agent trusts (base64 of its X.509
   * SubjectPublicKeyInfo; null: self-update off); {@code installDir} the folder of
   * {@code pms-relay.jar} (null: the running jar's); a new version has {@code trialMs} to connect
   * and reach the PMS database before the agent goes back to the previous one; its state file
   * lives in {@code stateDir}.
   */
  public record Update(String releasePublicKey, Path installDir, long trialMs, Path stateDir) {
    public boolean enabled() {
      return releasePublicKey != null;
    }
  }

  /**
   * Registered queries at this agent: {@code dir} keeps them across restarts (sealed with a key
   * derived from the agent key); their scheduled runs never take the last {@code reservedSlots}
   * of the concurrency cap; a run keeps at most {@code maxResultBytes} of result (its byte cap) to
   * hash it and send it if it changed; changed results the cloud has not fetched yet hold at most
   * {@code maxHeldBytes} together.
   */
  public record Registered(Path dir, int reservedSlots, long maxResultBytes, long maxHeldBytes) {}

  /**
   * Where and how to dial the cloud, and how long to wait between attempts (see {@code Backoff}).
   * Exactly one of the pin and the CA is set.
   */
  public record CloudLink(String host, int port, String pinnedSha256, String caPath, int initialDelayMs, int maxDelayMs,
      int earlyMaxDelayMs, int earlyPhaseMs, List<io.vertx.core.net.SocketAddress> alsoAt) {

    /** Every cloud address, {@code host:port} first: the agent tries them in turn. */
    public List<io.vertx.core.net.SocketAddress> addresses() {
      List<io.vertx.core.net.SocketAddress> all = new ArrayList<>();
      all.add(io.vertx.core.net.SocketAddress.inetSocketAddress(port, host));
      all.addAll(alsoAt);
      return all;
    }
  }

  /** The PMS database: SQL Server, or the embedded demo PMS. */
  public record Pms(String kind, String product, String jdbcUrl, String user, String password,
      List<String> catalogues, Path demoDir, long demoSeed, int demoPatients) {}

  /** The agent's own caps; requests may lower them, never raise them. */
  public record Exec(int maxConcurrent, int queueCapacity, int queuePerIntegrator, int maxTimeoutMs,
      int maxQueueTimeoutMs, int maxRows, long maxResultBytes, int chunkRows, int chunkBytes, int maxSqlChars,
      int breakerFailures, int breakerResetMs, int shutdownGraceMs) {}

  /** {@code cloud.alsoAt}: host:port entries separated by commas. */
  private static List<io.vertx.core.net.SocketAddress> alsoAt(String list) {
    List<io.vertx.core.net.SocketAddress> addresses = new ArrayList<>();
    if (list == null) {
      return addresses;
    }
    for (String entry : list.split(",")) {
      String trimmed = entry.trim();
      int colon = trimmed.lastIndexOf(':');
      if (trimmed.isEmpty()) {
        continue;
      }
      try {
        int port = colon > 0 ? Integer.parseInt(trimmed.substring(colon + 1)) : -1;
        if (port < 1 || port > 65_535) {
          throw new NumberFormatException();
        }
        addresses.add(io.vertx.core.net.SocketAddress.inetSocketAddress(port, trimmed.substring(0, colon)));
      } catch (NumberFormatException e) {
        throw new ConfigException("config key 'cloud.alsoAt' must be host:port entries separated by commas (was '"
            + trimmed + "')");
      }
    }
    return addresses;
  }

  public static AgentConfig from(JsonObject json) {
    ConfigReader root = new ConfigReader(json);
    String practiceId = root.string("practiceId");
    try {
      UUID.fromString(practiceId);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config key 'practiceId' must be a UUID");
    }
    ConfigReader cloud = root.section("cloud");
    String pin = cloud.optionalString("tls.pinnedSha256");
    String ca = cloud.optionalString("tls.caPath");
    if ((pin == null) == (ca == null)) {
      throw new ConfigException("set exactly one of config keys 'cloud.tls.pinnedSha256' and 'cloud.tls.caPath'");
    }
    if (pin != null && !pin.replace(":", "").matches("(?i)[0-9a-f]{64}")) {
      throw new ConfigException("config key 'cloud.tls.pinnedSha256' must be 64 hex digits");
    }
    ConfigReader reconnect = root.section("reconnect");
    ConfigReader exec = root.section("exec");
    if (root.longValue("registered.maxHeldBytes", 1024, 1L << 32) < root.longValue("registered.maxResultBytes", 1024, 1L << 30)) {
      throw new ConfigException("config key 'registered.maxHeldBytes' must be at least 'registered.maxResultBytes'"
          + " (one changed result must fit)");
    }
    return new AgentConfig(
        practiceId.toLowerCase(java.util.Locale.ROOT),
        root.string("agentKey"),
        new CloudLink(cloud.string("host"), cloud.integer("port", 1, 65_535),
            pin == null ? null : pin.replace(":", "").toLowerCase(java.util.Locale.ROOT), ca,
            reconnect.integer("initialDelayMs", 10, 600_000), reconnect.integer("maxDelayMs", 10, 3_600_000),
            reconnect.integer("earlyMaxDelayMs", 10, 3_600_000), reconnect.integer("earlyPhaseMs", 0, 86_400_000),
            alsoAt(cloud.optionalString("alsoAt"))),
        root.integer("pingIntervalMs", 100, 600_000),
        pms(root.section("pms")),
        new Exec(
            exec.integer("maxConcurrent", 1, 64),
            exec.integer("queueCapacity", 0, 100_000),
            exec.integer("queuePerIntegrator", 1, 100_000),
            exec.integer("maxTimeoutMs", 100, 3_600_000),
            exec.integer("maxQueueTimeoutMs", 0, 86_400_000),
            exec.integer("maxRows", 1, 10_000_000),
            exec.longValue("maxResultBytes", 1024, 1L << 34),
            exec.integer("chunkRows", 1, 100_000),
            exec.integer("chunkBytes", 1024, 16 * 1024 * 1024),
            exec.integer("maxSqlChars", 16, 1_000_000),
            exec.integer("breakerFailures", 1, 1000),
            exec.integer("breakerResetMs", 100, 600_000),
            exec.integer("shutdownGraceMs", 0, 600_000)),
        new Registered(Path.of(root.string("registered.dir")), root.integer("registered.reservedSlots", 0, 64),
            root.longValue("registered.maxResultBytes", 1024, 1L << 30),
            root.longValue("registered.maxHeldBytes", 1024, 1L << 32)),
        update(root.section("update")));
  }

  private static Update update(ConfigReader update) {
    String key = update.optionalString("releasePublicKey");
    if (key != null) {
      try {
        com.pmsrelay.common.release.ReleaseSignature.readPublic(key);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("config key 'update.releasePublicKey' must be " + e.getMessage()
            + ", as 'admin release keygen' prints it");
      }
    }
    String installDir = update.optionalString("installDir");
    return new Update(key, installDir == null ? null : Path.of(installDir), update.longValue("trialMs", 1_000, 86_400_000),
        Path.of(update.string("stateDir")));
  }

  private static Pms pms(ConfigReader pms) {
    String kind = pms.oneOf("kind", List.of("sqlserver", "demo"));
    ConfigReader demo = pms.section("demo");
    List<String> catalogues = new ArrayList<>();
    JsonArray names = pms.array("catalogues");
    for (Object name : names) {
      if (!(name instanceof String s) || !s.matches("[A-Za-z0-9_]{1,128}")) {
        throw new ConfigException("config key 'pms.catalogues' must list database names (letters, digits, _)");
      }
      catalogues.add(s);
    }
    if (catalogues.isEmpty()) {
      throw new ConfigException("config key 'pms.catalogues' must name at least one database");
    }
    String jdbcUrl = kind.equals("sqlserver") ? pms.string("jdbcUrl") : pms.optionalString("jdbcUrl");
    if (kind.equals("sqlserver") && !jdbcUrl.startsWith("jdbc:sqlserver:")) {
      throw new ConfigException("config key 'pms.jdbcUrl' must start with jdbc:sqlserver:");
    }
    return new Pms(kind, pms.string("product"), jdbcUrl, pms.optionalString("user"), pms.optionalString("password"),
        List.copyOf(catalogues), Path.of(demo.string("dir")), demo.longValue("seed", Long.MIN_VALUE, Long.MAX_VALUE),
        demo.integer("patients", 10, 200_000));
  }
}
