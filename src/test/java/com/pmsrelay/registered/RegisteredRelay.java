package com.pmsrelay.registered;

import com.pmsrelay.agent.AgentNode;
import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.agent.pms.PooledPms;
import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.store.ChangeStore;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.cloud.webhook.ChangeNotices;
import com.pmsrelay.common.VertxRuntime;
import com.pmsrelay.common.config.ConfigLoader;
import com.pmsrelay.guard.SqlGuard;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.jdbcx.JdbcDataSource;

/**
 * A cloud and an agent, each on its own Vert.x, over real TLS, the agent serving an in-memory H2
 * database in SQL Server mode with a table {@code dbo.Appointments} the test writes to, and a view
 * {@code dbo.Counted} that counts the rows the database reads. Registered queries may run every
 * second (the test-only {@code registered.minEverySeconds}); the cloud announces changes to a
 * recording {@link ChangeNotices}. Two integrators are enabled; the second is scoped to
 * {@code dbo.Patients} only.
 */
final class RegisteredRelay implements AutoCloseable {
  /** One announced change. */
  record Notice(String integratorId, String registrationId, String resultId, Instant changedAt) {}

  static final AtomicLong ROWS_READ = new AtomicLong();

  /** H2 calls it for every row of {@code Counted} it reads. */
  public static long rowRead(long n) {
    ROWS_READ.incrementAndGet();
    return n;
  }

  final Vertx cloudVertx = VertxRuntime.create();
  final Vertx agentVertx = VertxRuntime.create();
  final List<Notice> notices = new CopyOnWriteArrayList<>();
  final CloudNode cloud;
  volatile AgentNode agent;
  final AgentConfig agentConfig;
  /** The same agent, dialling a port where no cloud listens. */
  private final AgentConfig offlineConfig;
  final String practiceId;
  final IntegratorStore.Created first;
  final IntegratorStore.Created second;
  final JdbcDataSource database;
  final WebClient web;

  RegisteredRelay(Path dir) throws Exception {
    this(dir, false);
  }

  /**
   * {@code throughWebhooks}: the cloud announces changes through its own webhook outbox (loopback
   * receivers allowed, as in demo mode), not to the recording {@link #notices}.
   */
  RegisteredRelay(Path dir, boolean throughWebhooks) throws Exception {
    this(dir, throughWebhooks, new JsonObject());
  }

  /** {@code agentRegistered}: settings of the agent's {@code registered} section over the defaults. */
  RegisteredRelay(Path dir, boolean throughWebhooks, JsonObject agentRegistered) throws Exception {
    JsonObject json = ConfigLoader.defaults("cloud");
    json.put("dataDir", dir.resolve("cloud").toString());
    json.getJsonObject("http").put("host", "127.0.0.1").put("port", 0);
    json.getJsonObject("bridge").put("host", "127.0.0.1").put("port", 0);
    json.getJsonObject("management").put("port", 0);
    json.getJsonObject("registered").put("minEverySeconds", 1).put("sweepIntervalMs", 200);
    ChangeNotices recording = (integrator, registration, result, at) -> {
      notices.add(new Notice(integrator, registration, result, at));
      return Future.succeededFuture();
    };
    json.getJsonObject("webhooks").put("allowLoopback", true).put("pollMs", 50).put("backoffBaseMs", 200);
    cloud = (throughWebhooks ? new CloudNode(cloudVertx, CloudConfig.from(json))
        : new CloudNode(cloudVertx, CloudConfig.from(json), recording)).start().await();
    PracticeStore.Created practice = cloud.practices().create("Registered Practice").await();
    practiceId = practice.practiceId();
    first = cloud.integrators().create("Online Booking", null).await();
    second = cloud.integrators().create("Recalls", null).await();
    cloud.grants().put(new Grant(practiceId, first.clientId(), GrantStatus.ENABLED, new JsonArray(), 10_000, 30_000,
        30_000, 600, 1)).await();
    cloud.grants().put(new Grant(practiceId, second.clientId(), GrantStatus.ENABLED, new JsonArray().add("dbo.Patients"),
        10_000, 30_000, 30_000, 600, 1)).await();
    database = database();
    JsonObject agentJson = ConfigLoader.defaults("agent");
    agentJson.put("practiceId", practiceId).put("agentKey", practice.agentKey());
    agentJson.getJsonObject("cloud").put("host", "127.0.0.1").put("port", cloud.bridgePort())
        .getJsonObject("tls").put("pinnedSha256", cloud.tls().fingerprintSha256());
    agentJson.getJsonObject("reconnect").put("initialDelayMs", 100).put("maxDelayMs", 500);
    agentJson.getJsonObject("registered").put("dir", dir.resolve("agent").toString()).mergeIn(agentRegistered);
    agentConfig = AgentConfig.from(agentJson);
    offlineConfig = AgentConfig.from(agentJson.copy().put("cloud", agentJson.getJsonObject("cloud").copy().put("port", 1)));
    startAgent();
    web = WebClient.create(cloudVertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(cloud.httpPort()));
  }

  void startAgent() throws InterruptedException {
    PooledPms pms = PooledPms.of("test", "h2", Map.of("TestPMS", database), agentConfig.exec().maxConcurrent());
    agent = new AgentNode(agentVertx, agentConfig, pms, new SqlGuard(65_536, Set.of())).start().await();
    long deadline = System.currentTimeMillis() + 15_000;
    while (!cloud.agents().isConnected(practiceId)) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("the agent did not connect within 15 s");
      }
      Thread.sleep(20);
    }
  }

  /** The agent started where it cannot reach the cloud (the caller stops it). */
  AgentNode offlineAgent() {
    PooledPms pms = PooledPms.of("test", "h2", Map.of("TestPMS", database), agentConfig.exec().maxConcurrent());
    return new AgentNode(agentVertx, offlineConfig, pms, new SqlGuard(65_536, Set.of())).start().await();
  }

  void stopAgent() {
    agent.stop().await();
  }

  /** The ids of the registrations {@code agent} holds now. */
  static java.util.Set<String> held(AgentNode agent) {
    return agent.registered().registrations().stream().map(com.pmsrelay.common.protocol.Registration::registrationId)
        .collect(java.util.stream.Collectors.toSet());
  }

  /** The test's practice database: appointments, an empty patients table, and a view that counts the rows read. */
  static JdbcDataSource database() throws Exception {
    JdbcDataSource source = new JdbcDataSource();
    source.setURL("jdbc:h2:mem:registered" + UUID.randomUUID().toString().replace("-", "")
        + ";DB_CLOSE_DELAY=-1;MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE"
        + ";INIT=CREATE SCHEMA IF NOT EXISTS dbo\\;SET SCHEMA dbo");
    source.setUser("sa");
    source.setPassword("");
    try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE dbo.Appointments (AppointmentId INT PRIMARY KEY, PatientName VARCHAR(100))");
      s.execute("INSERT INTO dbo.Appointments VALUES (1, 'Mai Nguyen'), (2, 'Tom Baker')");
      s.execute("CREATE TABLE dbo.Patients (PatientId INT PRIMARY KEY)");
      s.execute("CREATE ALIAS ROW_READ DETERMINISTIC FOR \"" + RegisteredRelay.class.getName() + ".rowRead\"");
      s.execute("CREATE VIEW dbo.Counted AS SELECT ROW_READ(AppointmentId) AS AppointmentId, PatientName "
          + "FROM dbo.Appointments");
    }
    return source;
  }

  void execute(String sql) throws Exception {
    try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  void setGrant(IntegratorStore.Created integrator, GrantStatus status) {
    cloud.grants().put(new Grant(practiceId, integrator.clientId(), status, new JsonArray(), 10_000, 30_000, 30_000, 600,
        1)).await();
    cloud.changes().publish(ChangeStore.GRANT, practiceId + "/" + integrator.clientId()).await();
  }

  String token(IntegratorStore.Created integrator) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")
        .add("client_id", integrator.clientId()).add("client_secret", integrator.clientSecret());
    return web.post("/v1/token").sendForm(form).map(r -> r.bodyAsJsonObject().getString("access_token")).await();
  }

  HttpResponse<Buffer> register(String token, JsonObject body) {
    return web.post("/v1/practices/" + practiceId + "/registered-queries").putHeader("Authorization", "Bearer " + token)
        .sendJsonObject(body).await();
  }

  HttpResponse<Buffer> get(String token, String path) {
    return web.get(path).putHeader("Authorization", "Bearer " + token).send().await();
  }

  HttpResponse<Buffer> put(String token, String path, JsonObject body) {
    return web.put(path).putHeader("Authorization", "Bearer " + token).sendJsonObject(body).await();
  }

  HttpResponse<Buffer> delete(String token, String path) {
    return web.delete(path).putHeader("Authorization", "Bearer " + token).send().await();
  }

  @Override
  public void close() {
    try {
      agent.stop().await();
      cloud.stop().await();
    } finally {
      agentVertx.close().await();
      cloudVertx.close().await();
    }
  }
}
