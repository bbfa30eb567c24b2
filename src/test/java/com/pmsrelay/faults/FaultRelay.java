package com.pmsrelay.faults;

import com.pmsrelay.admin.AdminCommands;
import com.pmsrelay.bench.FootprintAgentMain;
import com.pmsrelay.faults.IntegratorClient.Integrator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The relay as it runs for real, on loopback, one process per role: the cloud is the packaged
 * jar's own main ({@code Main cloud --config …}) in a child JVM, restartable on the same ports and
 * data directory; the agent is the jar's {@code AgentNode} in another ({@link FootprintAgentMain}),
 * serving the test's {@link CountingPms} over its H2 TCP server; three integrators are enabled at
 * the one practice. Both run on the packaged jar plus a launcher jar of two test classes
 * ({@link ChildProcess#classPath}). The store is seeded by the operator's commands
 * ({@link AdminCommands}, what {@code java -jar pms-relay.jar admin} runs) in this JVM before the
 * cloud starts, since the H2 store belongs to one process at a time and seven admin JVMs would
 * take half a minute.
 */
final class FaultRelay implements AutoCloseable {
  static final Pattern CLOUD_UP = Pattern.compile(
      "cloud node \\S+ up: API on port \\d+, agent bridge on port \\d+ \\(TLS fingerprint SHA-256 ([0-9a-f]{64})\\)");
  static final Pattern AGENT_AUTHENTICATED = Pattern.compile("agent of practice \\S+ authenticated");
  static final Pattern AGENT_STARTED = Pattern.compile("agent of practice \\S+ started");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path dir;
  final CountingPms pms;
  private final int httpPort = freePort();
  private final int bridgePort = freePort();
  private final String classPath;
  private final Path cloudConfig;
  /** The cloud's classes, archived by a first run (class-data sharing). */
  private final Path cloudClasses;
  private final Path agentConfig;
  final String practiceId;
  private final String agentKey;
  final List<Integrator> integrators = new ArrayList<>();
  ChildProcess cloud;
  ChildProcess agent;
  private int cloudStarts;
  private int agentStarts;
  final IntegratorClient client = new IntegratorClient();

  private FaultRelay(Path dir, Path jar, long graceMs) throws Exception {
    this.dir = dir;
    this.classPath = ChildProcess.classPath(jar, dir, FootprintAgentMain.class);
    this.cloudConfig = dir.resolve("cloud.json");
    this.cloudClasses = dir.resolve("cloud-classes.jsa");
    this.agentConfig = dir.resolve("agent.json");
    Files.writeString(cloudConfig, new JsonObject()
        .put("dataDir", dir.resolve("cloud").toString())
        .put("shutdownGraceMs", graceMs)
        // The fault tests are about the processes, not TLS: the cloud runs as behind a TLS-terminating proxy.
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", httpPort)
            .put("tls", new JsonObject().put("behindProxy", true)))
        .put("management", new JsonObject().put("port", 0))
        .put("bridge", new JsonObject().put("host", "127.0.0.1").put("port", bridgePort)).encodePrettily());
    this.pms = CountingPms.start();
    try {
      String practice = admin("practice", "create", "Fault Practice");
      this.practiceId = find(practice, "practice\\s+(\\S+)");
      this.agentKey = find(practice, "agent key (\\S+)");
      for (String name : List.of("Bookings", "Recalls", "Analytics")) {
        String created = admin("integrator", "create", name);
        Integrator integrator = new Integrator(name, find(created, "client id\\s+(\\S+)"),
            find(created, "client secret (\\S+)"));
        admin("grant", practiceId, integrator.clientId(), "enabled");
        integrators.add(integrator);
      }
    } catch (RuntimeException e) {
      pms.close();
      throw e;
    }
  }

  /** Seeds the store, starts the cloud and the agent, and waits until a query succeeds. */
  static FaultRelay start(Path dir, Path jar, long graceMs) throws Exception {
    FaultRelay relay = new FaultRelay(dir, jar, graceMs);
    try {
      relay.archiveCloudClasses();
      String fingerprint = relay.startCloud().match().group(1);
      Files.writeString(relay.agentConfig, new JsonObject()
          .put("practiceId", relay.practiceId)
          .put("agentKey", relay.agentKey)
          .put("cloud", new JsonObject().put("host", "127.0.0.1").put("port", relay.bridgePort)
              .put("tls", new JsonObject().put("pinnedSha256", fingerprint)))
          // FootprintAgentMain serves pms.jdbcUrl; "demo" only passes the configuration's check.
          .put("pms", new JsonObject().put("kind", "demo").put("product", "H2 (fault tests)").put("jdbcUrl", relay.pms.url())
              .put("user", CountingPms.READER).put("password", relay.pms.readerPassword)
              .put("catalogues", new JsonArray().add(CountingPms.CATALOGUE))).encodePrettily());
      relay.startAgent();
      relay.awaitServing(START_TIMEOUT);
      return relay;
    } catch (Exception | AssertionError e) {
      relay.close();
      throw e;
    }
  }

  /** Starts a cloud process (the first, or one after a kill) and waits until it says it is up. */
  ChildProcess.Matched startCloud() throws IOException, InterruptedException {
    launchCloud();
    return awaitCloudUp();
  }

  /** Starts a cloud process on the same ports and data directory as every other; does not wait. */
  void launchCloud() throws IOException {
    List<String> flags = Files.exists(cloudClasses) ? List.of("-XX:SharedArchiveFile=" + cloudClasses) : List.of();
    cloud = ChildProcess.start("cloud-" + ++cloudStarts, dir, classPath, flags, "com.pmsrelay.Main", "cloud", "--config",
        cloudConfig.toString());
    client.forgetConnections();
  }

  /** The cloud's "up" line (its API and bridge listen), when it came. */
  ChildProcess.Matched awaitCloudUp() throws InterruptedException {
    return cloud.awaitLine(CLOUD_UP, START_TIMEOUT);
  }

  /**
   * Runs a cloud once for the JVM to archive the classes it loads (class-data sharing): up, one
   * TLS handshake on its bridge, a token and a query (503: no agent yet), then SIGTERM. Every
   * later cloud maps them: it starts in about 2.2 s instead of 3.3 s here, and its first
   * handshake takes about 0.65 s instead of 1 s, which over the restarts of the kill trials is
   * worth the one run.
   */
  private void archiveCloudClasses() throws Exception {
    try (ChildProcess archiving = ChildProcess.start("cloud-archiving-classes", dir, classPath,
        List.of("-XX:ArchiveClassesAtExit=" + cloudClasses), "com.pmsrelay.Main", "cloud", "--config", cloudConfig.toString())) {
      client.forgetConnections();
      archiving.awaitLine(CLOUD_UP, START_TIMEOUT);
      shakeHandsWithBridge();
      send(integrators.get(0), Query.quick(pms.newTag(), false)).get();
      archiving.signal("TERM");
      archiving.awaitExit(START_TIMEOUT);
    }
  }

  /** A TLS handshake on the bridge and nothing more: whatever certificate it shows, nothing is sent. */
  private void shakeHandsWithBridge() throws Exception {
    X509TrustManager anyCertificate = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, new TrustManager[] {anyCertificate}, null);
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", bridgePort)) {
      socket.startHandshake();
    }
  }

  /** Starts an agent process and waits until it has started (it then dials the cloud). */
  void startAgent() throws IOException, InterruptedException {
    agent = ChildProcess.start("agent-" + ++agentStarts, dir, classPath, List.of(), FootprintAgentMain.class.getName(),
        "agent", "--config", agentConfig.toString());
    agent.awaitLine(AGENT_STARTED, START_TIMEOUT);
  }

  /** Restarts whichever process an earlier scenario left dead, then waits until a query succeeds. */
  void ensureServing() throws Exception {
    if (!cloud.isAlive()) {
      startCloud();
    }
    if (!agent.isAlive()) {
      startAgent();
    }
    awaitServing(START_TIMEOUT);
  }

  /**
   * Sends quick queries (each a new request with a new tag, as an integrator retries) until one
   * comes back whole; returns when it did ({@link System#nanoTime}).
   */
  long awaitServing(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Answer last = null;
    while (System.nanoTime() < deadline) {
      last = send(integrators.get(0), Query.quick(pms.newTag(), false)).get();
      if (last.kind() == Answer.Kind.COMPLETE) {
        return last.atNanos();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no query succeeded within " + timeout + "; the last answer: " + last);
  }

  /** Bytes of {@code query}'s answer received so far: how far its stream has reached the integrator. */
  long bytesReceived(Query query) {
    return client.bytesReceived(query);
  }

  /** Sends one query as {@code who}; the future always completes, with whatever the integrator got. */
  CompletableFuture<Answer> send(Integrator who, Query query) throws IOException, InterruptedException {
    return client.send(httpPort, practiceId, who, query);
  }

  /** The practice's agent as {@code who} sees it in {@code GET /v1/practices}: online, offline or unreachable. */
  String agentStatus(Integrator who) throws IOException, InterruptedException {
    return client.agentStatus(httpPort, practiceId, who);
  }

  /** {@code GET /ready}'s status. */
  int ready() throws IOException, InterruptedException {
    return client.ready(httpPort).statusCode();
  }

  private String admin(String... words) {
    return admin(cloudConfig, words);
  }

  /** Runs an operator's command on the store of the cloud configured by {@code config}; what it printed. */
  static String admin(Path config, String... words) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> args = new ArrayList<>(List.of("--config", config.toString()));
    args.addAll(List.of(words));
    int status = AdminCommands.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    String printed = out.toString(StandardCharsets.UTF_8);
    if (status != 0) {
      throw new IllegalStateException("admin " + String.join(" ", words) + " failed (" + status + "): " + printed);
    }
    return printed;
  }

  static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("no " + regex + " in: " + text);
    }
    return m.group(1);
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Kills what still runs; keeps the logs, drops the class archive (tens of MB). */
  @Override
  public void close() throws InterruptedException {
    try {
      if (agent != null) {
        agent.close();
      }
      if (cloud != null) {
        cloud.close();
      }
    } finally {
      pms.close();
      try {
        Files.deleteIfExists(cloudClasses);
      } catch (IOException e) {
        // mvn clean removes it
      }
    }
  }
}
