package com.pmsrelay.doctor;

import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.keys.KeyPurposes;
import com.pmsrelay.cloud.keys.MasterKey;
import com.pmsrelay.cloud.store.Database;
import com.pmsrelay.cloud.store.SigningKeyStore;
import com.pmsrelay.cloud.store.StoreConfig;
import com.pmsrelay.common.config.ConfigException;
import com.pmsrelay.common.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;

/**
 * A cloud node's checks: its config, the store (reachable, migrated; never migrated nor created by
 * the doctor), the JWT signing keys it holds (opened with the master key), the cluster view, the
 * TLS files of the bridge and the API, the master key file, and the log folder's space.
 */
final class CloudDoctor {
  /** A node that recorded itself alive this recently is live (nodes record it every second). */
  private static final long LIVE_MS = 10_000;

  private final Doctor.Settings settings;
  /** Whether the store could be read and needs nothing: the signing keys are then read from it. */
  private boolean storeCurrent;
  /** Whether the embedded store is held by the cloud running now (which opened the signing keys at its start). */
  private boolean storeInUse;

  CloudDoctor(Doctor.Settings settings) {
    this.settings = settings;
  }

  List<Check> run(Path configFile, PrintStream out) {
    List<Check> checks = new ArrayList<>();
    String logDir = null;
    CloudConfig config;
    try {
      io.vertx.core.json.JsonObject json = ConfigLoader.load("cloud", configFile, settings.env());
      logDir = Doctor.configuredLogDir(json);
      config = CloudConfig.from(json);
      config.http().tls().requireForProduction();
    } catch (ConfigException e) {
      add(checks, out, Doctor.configFailed(configFile, "cloud", e));
      add(checks, out, Doctor.logSpace(settings, logDir));
      return checks;
    }
    add(checks, out, Check.pass("config", "valid: API on " + config.http().host() + ":" + config.http().port() + ", bridge on "
        + config.bridge().host() + ":" + config.bridge().port() + ", store " + storeName(config.store())));
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2));
    try {
      add(checks, out, store(config.store()));
      add(checks, out, masterKey(config));
      add(checks, out, signingKeys(vertx, config));
      add(checks, out, cluster(config));
      add(checks, out, bridgeTls(vertx, config));
      add(checks, out, apiTls(vertx, config));
    } finally {
      vertx.close().await();
    }
    add(checks, out, Doctor.logSpace(settings, logDir));
    return checks;
  }

  private static String storeName(StoreConfig store) {
    return store.jdbcUrl().startsWith("jdbc:h2:") ? "embedded H2" : store.jdbcUrl().replaceFirst("\\?.*", "");
  }

  private Check store(StoreConfig store) {
    String name = "store reachable and migrated";
    boolean h2 = store.jdbcUrl().startsWith("jdbc:h2:");
    // The doctor never creates an embedded store: a missing one is reported, not made.
    String url = h2 ? store.jdbcUrl() + ";IFEXISTS=TRUE" : store.jdbcUrl();
    try {
      MigrationInfoService info = Bounded.run(settings.stepTimeoutMs() * 2, () -> Flyway.configure()
          .dataSource(url, store.user(), store.password()).locations("classpath:db/cloud").load().info());
      MigrationInfo current = info.current();
      MigrationInfo[] pending = info.pending();
      String version = current == null ? "none" : current.getVersion() + " (" + current.getDescription() + ")";
      if (pending.length > 0) {
        return Check.warn(name, "reachable at schema version " + version + "; " + pending.length + " migration(s) pending,"
            + " up to " + pending[pending.length - 1].getVersion(), "start the cloud (this version): it applies them at"
            + " start; with several nodes, start one first");
      }
      storeCurrent = true;
      return Check.pass(name, "reachable; schema at version " + version + ", nothing pending");
    } catch (Exception e) {
      SQLException sql = sqlCause(e);
      if (h2 && sql != null && sql.getErrorCode() == 90020) {
        storeInUse = true;
        return Check.pass(name, "the embedded store is open in the running cloud (its file is locked); the cloud migrated"
            + " it when it started");
      }
      if (h2 && sql != null && sql.getErrorCode() == 90146) {
        return Check.warn(name, "no embedded store yet at " + store.jdbcUrl().replaceFirst("^jdbc:h2:file:", "")
            .replaceFirst(";.*", ""), "start the cloud once: it creates and migrates the store (or set store.url to PostgreSQL)");
      }
      String why = Check.oneLine(sql != null ? sql.getMessage() : String.valueOf(e.getMessage()));
      return Check.fail(name, "cannot reach the store " + storeName(store) + " (" + why + ")", h2
          ? "check dataDir and that the service's user may read and write its store folder"
          : "check store.url's host, port and database, store.user and store.password (PMSRELAY_STORE_PASSWORD), and"
              + " that PostgreSQL accepts this host (pg_hba.conf)");
    }
  }

  private static SQLException sqlCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }

  private Path masterKeyFile(CloudConfig config) {
    return config.dataDir().resolve("keys").resolve("master.key");
  }

  private Check masterKey(CloudConfig config) {
    String name = "master key";
    if (config.keys().master() != null) {
      return Check.pass(name, "set by keys.master (PMSRELAY_KEYS_MASTER)" + (config.keys().previous() != null
          ? ", with keys.previous while rotating" : ""));
    }
    Path file = masterKeyFile(config);
    if (!Files.exists(file)) {
      return Check.warn(name, "none yet: keys.master is not set and " + file + " does not exist (made at first start)",
          "set PMSRELAY_KEYS_MASTER (openssl rand -base64 32) and keep it apart from the data and the store;"
              + " README, Keys at rest");
    }
    if (!Files.isReadable(file)) {
      return Check.fail(name, "cannot read " + file, "give the service's user read access to " + file + " (only that user)");
    }
    if (CertificateFiles.openToOthers(file)) {
      return Check.warn(name, file + " may be read by other users", "chmod 600 " + file + " (and chown it to the service's user)");
    }
    return Check.pass(name, "kept in " + file + ", readable by its owner only (a single node's default; with several"
        + " nodes, or to keep it apart from the data, set PMSRELAY_KEYS_MASTER: README, Keys at rest)");
  }

  private Check signingKeys(Vertx vertx, CloudConfig config) {
    String name = "JWT signing keys";
    if (storeInUse) {
      return Check.pass(name, "held by the running cloud, which opened them with the master key at its start");
    }
    if (!storeCurrent) {
      return Check.notChecked(name, "they are read from a reachable, migrated store");
    }
    if (config.keys().master() == null && !Files.exists(masterKeyFile(config))) {
      return Check.notChecked(name, "there is no master key to open them");
    }
    Database db = null;
    try {
      MasterKey master = MasterKey.load(config.keys(), config.dataDir());
      db = Database.open(vertx, config.store()); // nothing pending: Flyway changes nothing
      SigningKeyStore keys = new SigningKeyStore(db, master.sealing(KeyPurposes.SIGNING_KEYS));
      int count = keys.active().toCompletionStage().toCompletableFuture()
          .get(settings.stepTimeoutMs(), java.util.concurrent.TimeUnit.MILLISECONDS).size();
      return count == 0 ? Check.warn(name, "none in the store yet", "start the cloud once: it makes the first key")
          : Check.pass(name, count + " active, each opened with the master key");
    } catch (Exception e) {
      Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof ConfigException sealed) {
        return Check.fail(name, sealed.getMessage().replaceFirst(":.*", ""), sealed.getMessage().replaceFirst("^[^:]*: ", ""));
      }
      return Check.warn(name, "cannot read them (" + Check.oneLine(String.valueOf(cause.getMessage())) + ")",
          "run the doctor again; if it persists, check the store");
    } finally {
      if (db != null) {
        db.close();
      }
    }
  }

  private Check cluster(CloudConfig config) {
    String name = "cluster view";
    var cluster = config.cluster();
    if (!cluster.enabled()) {
      return Check.pass(name, "clustering is off: this node serves alone");
    }
    List<String> problems = new ArrayList<>();
    if (cluster.members().isEmpty()) {
      problems.add("cluster.members lists no other node");
    }
    if (!config.store().jdbcUrl().startsWith("jdbc:postgresql:")) {
      problems.add("the nodes of a cluster share one PostgreSQL store, but store.url is " + storeName(config.store()));
    }
    for (String member : cluster.members()) {
      int colon = member.lastIndexOf(':');
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(member.substring(0, colon), Integer.parseInt(member.substring(colon + 1))),
            (int) Math.min(2_000, settings.stepTimeoutMs()));
      } catch (Exception e) {
        problems.add("member " + member + " does not answer (" + e.getMessage() + ")");
      }
    }
    String live = liveNodes(config.store());
    if (!problems.isEmpty()) {
      return Check.warn(name, String.join("; ", problems) + (live == null ? "" : "; " + live),
          "list every other node's host:port in cluster.members (PMSRELAY_CLUSTER_MEMBERS), open cluster.port and"
              + " cluster.eventBusPort between the nodes, and use one PostgreSQL store");
    }
    return Check.pass(name, "members " + String.join(", ", cluster.members()) + " answer" + (live == null ? "" : "; " + live));
  }

  /** The nodes that recorded themselves alive lately (the cloud_nodes table), or null when it cannot be read. */
  private String liveNodes(StoreConfig store) {
    if (!storeCurrent) {
      return null;
    }
    try (Connection c = DriverManager.getConnection(store.jdbcUrl(), store.user(), store.password());
        Statement s = c.createStatement()) {
      s.setQueryTimeout(5);
      List<String> live = new ArrayList<>();
      long now = settings.clock().millis();
      try (ResultSet r = s.executeQuery("SELECT node_id, alive_at FROM cloud_nodes")) {
        while (r.next()) {
          Instant at = r.getObject(2, java.time.OffsetDateTime.class).toInstant();
          if (now - at.toEpochMilli() < LIVE_MS) {
            live.add(r.getString(1));
          }
        }
      }
      return live.size() + " node(s) alive in the store" + (live.isEmpty() ? "" : ": " + String.join(", ", live));
    } catch (SQLException e) {
      return null;
    }
  }

  private Check bridgeTls(Vertx vertx, CloudConfig config) {
    String name = "bridge TLS files";
    String cert = config.bridge().certPath();
    String key = config.bridge().keyPath();
    if (cert == null) {
      Path dir = config.dataDir().resolve("tls");
      if (!Files.exists(dir.resolve("bridge-cert.pem"))) {
        return Check.pass(name, "none configured: a self-signed pair is made under " + dir + " at first start (agents pin it)");
      }
      cert = dir.resolve("bridge-cert.pem").toString();
      key = dir.resolve("bridge-key.pem").toString();
    }
    return CertificateFiles.check(vertx, name, cert, key, settings.clock(),
        "agents that pin it need the new fingerprint (admin bridge fingerprint) in cloud.tls.pinnedSha256");
  }

  private Check apiTls(Vertx vertx, CloudConfig config) {
    String name = "API TLS files";
    CloudConfig.ApiTls tls = config.http().tls();
    if (!tls.enabled()) {
      return Check.pass(name, "none: a TLS-terminating proxy serves HTTPS (http.tls.behindProxy)");
    }
    return CertificateFiles.check(vertx, name, tls.certPath(), tls.keyPath(), settings.clock(),
        "the certificate must name the API's public host name");
  }

  private static Check add(List<Check> checks, PrintStream out, Check check) {
    checks.add(check);
    check.print(out);
    return check;
  }
}
