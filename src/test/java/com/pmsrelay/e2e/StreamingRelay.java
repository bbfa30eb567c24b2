package com.pmsrelay.e2e;

import com.pmsrelay.agent.AgentNode;
import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.agent.pms.PooledPms;
import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.common.VertxRuntime;
import com.pmsrelay.common.config.ConfigLoader;
import com.pmsrelay.contract.ApiExchanges;
import com.pmsrelay.guard.SqlGuard;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.jdbcx.JdbcDataSource;

/**
 * A cloud and an agent, each on its own Vert.x as on their own machines, over real TLS, the agent
 * serving an in-memory H2 database in SQL Server mode built for results of any size: a table of
 * 2,000 numbers, and a view {@code Big} of a million rows (about 100 bytes each as JSON) that
 * counts every row the database reads (H2 computes it lazily, row by row, as the agent fetches),
 * and a view {@code Trickle} of 800 rows produced 3 ms apart (a slow query).
 * Two integrators are enabled at the practice, with caps high enough for a million rows.
 */
public final class StreamingRelay implements AutoCloseable {
  static final int BIG_ROWS = 1_000_000;
  /** Rows of {@code Big} the database has produced so far (every query counts). */
  static final AtomicLong ROWS_READ = new AtomicLong();

  final Vertx cloudVertx = VertxRuntime.create();
  final Vertx agentVertx = VertxRuntime.create();
  volatile CloudNode cloud;
  volatile AgentNode agent;
  private final CloudConfig cloudConfig;
  private final AgentConfig agentConfig;
  final String practiceId;
  final IntegratorStore.Created first;
  final IntegratorStore.Created second;
  final WebClient web;
  final HttpClient http;
  /** Where the streaming client runs. */
  private final io.vertx.core.Context clientContext;
  final JdbcDataSource database;
  /** The test using this relay, named in the exchanges it records. */
  private final String test = ApiExchanges.currentTest();

  /** Rows of {@code Trickle}, each {@link #TRICKLE_ROW_MS} apart. */
  static final int TRICKLE_ROWS = 800;
  static final int TRICKLE_ROW_MS = 3;

  /** H2 calls it for every row of {@code Trickle}: a database that produces rows slowly. */
  public static long rowTrickled(long n) throws InterruptedException {
    Thread.sleep(TRICKLE_ROW_MS);
    return n;
  }

  /** H2 calls it for every row of {@code Big} it produces. */
  public static long rowRead(long n) {
    ROWS_READ.incrementAndGet();
    return n;
  }

  private StreamingRelay(Path dir, JsonObject agentExec) throws Exception {
    JsonObject json = ConfigLoader.defaults("cloud");
    json.put("dataDir", dir.resolve("cloud").toString());
    json.getJsonObject("http").put("host", "127.0.0.1").put("port", 0);
    json.getJsonObject("bridge").put("host", "127.0.0.1").put("port", 0);
    json.getJsonObject("management").put("port", 0); // /metrics on a free port: nodes side by side
    json.getJsonObject("queries").put("maxRows", 2 * BIG_ROWS).put("maxResultBytes", 1L << 30);
    CloudNode started = new CloudNode(cloudVertx, CloudConfig.from(json)).start().await();
    cloud = started;
    // A restarted cloud listens where the first one did, as a restarted server would.
    cloudConfig = CloudConfig.from(json).withPorts(started.httpPort(), started.bridgePort());
    PracticeStore.Created practice = cloud.practices().create("Streaming Practice").await();
    practiceId = practice.practiceId();
    first = cloud.integrators().create("Bulk Extracts", null).await();
    second = cloud.integrators().create("Online Booking", null).await();
    for (IntegratorStore.Created integrator : new IntegratorStore.Created[] {first, second}) {
      cloud.grants().put(new Grant(practiceId, integrator.clientId(), GrantStatus.ENABLED, new JsonArray(), 2 * BIG_ROWS,
          120_000, 30_000, 100_000, 1)).await();
    }
    database = database();
    JsonObject agentJson = ConfigLoader.defaults("agent");
    agentJson.put("practiceId", practiceId).put("agentKey", practice.agentKey());
    agentJson.getJsonObject("cloud").put("host", "127.0.0.1").put("port", cloud.bridgePort())
        .getJsonObject("tls").put("pinnedSha256", cloud.tls().fingerprintSha256());
    agentJson.getJsonObject("reconnect").put("initialDelayMs", 100).put("maxDelayMs", 500);
    agentJson.getJsonObject("exec").put("maxRows", 2 * BIG_ROWS).put("maxResultBytes", 1L << 30).mergeIn(agentExec);
    agentConfig = AgentConfig.from(agentJson);
    startAgent();
    // Every exchange is recorded for OpenApiContractIT (streams by their head: the test reads their bodies).
    web = ApiExchanges.recording(WebClient.create(cloudVertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(cloud.httpPort()), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(32)));
    clientContext = cloudVertx.getOrCreateContext();
    http = cloudVertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(cloud.httpPort()).setReceiveBufferSize(64 * 1024), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(32));
  }

  /** Starts the agent (anew, after {@link #stopAgent}) and waits until the cloud has it. */
  void startAgent() throws InterruptedException {
    PooledPms pms = PooledPms.of("test", "h2", Map.of("TestPMS", database), agentConfig.exec().maxConcurrent());
    agent = new AgentNode(agentVertx, agentConfig, pms, new SqlGuard(65_536, Set.of())).start().await();
    awaitAgent();
  }

  void stopAgent() {
    agent.stop().await();
  }

  /** Stops the cloud node and starts a new one on the same data directory and ports. */
  void restartCloud() throws InterruptedException {
    cloud.stop().await();
    cloud = new CloudNode(cloudVertx, cloudConfig).start().await();
  }

  void awaitAgent() throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    while (!cloud.agents().isConnected(practiceId)) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("the agent did not connect within 15 s");
      }
      Thread.sleep(20);
    }
  }

  static StreamingRelay start(Path dir) throws Exception {
    return new StreamingRelay(dir, new JsonObject());
  }

  private static JdbcDataSource database() throws Exception {
    JdbcDataSource source = new JdbcDataSource();
    source.setURL("jdbc:h2:mem:streaming" + UUID.randomUUID().toString().replace("-", "")
        + ";DB_CLOSE_DELAY=-1;MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE"
        + ";LAZY_QUERY_EXECUTION=TRUE;INIT=CREATE SCHEMA IF NOT EXISTS dbo\\;SET SCHEMA dbo");
    source.setUser("sa");
    source.setPassword("");
    try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE dbo.Numbers (N INT PRIMARY KEY)");
      s.execute("INSERT INTO dbo.Numbers SELECT X FROM SYSTEM_RANGE(1, 2000)");
      // DETERMINISTIC: H2 evaluates a query lazily (row by row as it is fetched) only with such functions.
      s.execute("CREATE ALIAS ROW_READ DETERMINISTIC FOR \"" + StreamingRelay.class.getName() + ".rowRead\"");
      s.execute("CREATE VIEW dbo.Big AS SELECT ROW_READ(X) AS N, CONCAT('synthetic row ', X, ' ', SPACE(60), '.') AS Filler "
          + "FROM SYSTEM_RANGE(1, " + BIG_ROWS + ")");
      s.execute("CREATE ALIAS ROW_TRICKLED DETERMINISTIC FOR \"" + StreamingRelay.class.getName() + ".rowTrickled\"");
      s.execute("CREATE VIEW dbo.Trickle AS SELECT ROW_TRICKLED(X) AS N, CONCAT('synthetic row ', X) AS Filler "
          + "FROM SYSTEM_RANGE(1, " + TRICKLE_ROWS + ")");
    }
    return source;
  }

  /** Statements executing at the database now whose text contains {@code marker}. */
  int statementsRunning(String marker) throws Exception {
    try (Connection c = database.getConnection(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE EXECUTING_STATEMENT LIKE '%"
             + marker + "%' AND SESSION_ID <> SESSION_ID()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  Future<String> token(IntegratorStore.Created integrator) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")
        .add("client_id", integrator.clientId()).add("client_secret", integrator.clientSecret());
    return web.post("/v1/token").sendForm(form).map(r -> r.bodyAsJsonObject().getString("access_token"));
  }

  Future<HttpResponse<Buffer>> query(String token, JsonObject body) {
    return web.post("/v1/practices/" + practiceId + "/queries").putHeader("Authorization", "Bearer " + token)
        .sendJsonObject(body);
  }

  /** Starts a query whose answer the caller reads as a stream (it gets the response paused). */
  Future<HttpClientResponse> stream(String token, JsonObject body, String accept) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
        .setURI("/v1/practices/" + practiceId + "/queries")
        .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json")
        .putHeader("Accept", accept);
    // Sent from the client's event loop: from another thread, the response may be handed over by a
    // later task, after its first bytes were dropped for want of a handler.
    io.vertx.core.Promise<HttpClientResponse> paused = io.vertx.core.Promise.promise();
    clientContext.runOnContext(v -> http.request(options).compose(request -> request.send(body.toBuffer())
        .map(response -> {
          response.pause();
          ApiExchanges.recordHead(test, HttpMethod.POST, options.getURI(), request.headers(), body.toBuffer(), response);
          return response;
        })).onComplete(paused));
    return paused.future();
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
