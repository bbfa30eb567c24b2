package com.pmsrelay.bench;

import com.pmsrelay.agent.AgentNode;
import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.agent.pms.PooledPms;
import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.cloud.store.QueryRecord;
import com.pmsrelay.cloud.webhook.ChangeNotices;
import com.pmsrelay.common.VertxRuntime;
import com.pmsrelay.common.config.ConfigLoader;
import com.pmsrelay.guard.SqlGuard;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Registered queries against polling (issue #15): N integrators each want to know of new
 * appointments within a minute, over the same simulated hour of C one-minute cycles, against a real
 * cloud and agent (TLS bridge, the agent's executor on an H2 database in SQL Server mode). Time is
 * compressed: a simulated minute is one second (registrations run {@code everySeconds: 1}, the
 * test-only minimum), and the polling cycles are driven one after another as fast as they go.
 * <ul>
 *   <li>polling: every cycle, every integrator runs its query through {@code POST /queries};
 *   <li>registered: every integrator registers the same query once; the agent's runner runs each
 *       on its schedule, and rows travel to the cloud only when a run's result changed.
 * </ul>
 * A few appointments are inserted at seeded random cycles, the same ones in both. Both start with
 * a warm-up cycle that is not counted (the first answer: polling's first round, each
 * registration's first result). Counted per approach: queries executed at the agent, rows read at
 * the database (the rows the agent's JDBC runner fetched: polling's answers are whole, so the rows it
 * sent; the runner's count of every run's rows), and rows sent to the cloud (polling: every answer's rows; registered: the rows of each changed
 * result the cloud fetched). Ratios are polling over registered.
 */
public final class RegisteredBench {
  static final String NAME = "registered";
  static final String SQL = "SELECT AppointmentId, PatientId, StartsAt FROM dbo.Appointments WHERE StartsAt >= ? "
      + "ORDER BY AppointmentId";
  static final String FROM = "2026-12-01 00:00:00";
  static final int SEED_ROWS = 40;
  static final double TARGET_RATIO = 20;

  record Settings(int integrators, int cycles, int inserts, int pollingInFlight) {
    static Settings of(BenchMode mode) {
      return switch (mode) {
        case FULL -> new Settings(100, 60, 3, 8);
        case FAST -> new Settings(100, 20, 1, 8);
        case TINY -> new Settings(4, 6, 1, 4);
      };
    }
  }

  /** What one approach cost over the counted cycles. */
  record Counts(long queries, long rowsRead, long rowsSent, long results) {
    JsonObject toJson() {
      return new JsonObject().put("queriesExecuted", queries).put("rowsReadAtDatabase", rowsRead)
          .put("rowsSentToCloud", rowsSent).put("resultsSentToCloud", results);
    }
  }

  /** Rows of the registered results the cloud announced (equal to rows sent unless a result was fetched twice). */
  private long announcedRows;

  JsonObject run(BenchMode mode, Path work) throws Exception {
    Settings settings = Settings.of(mode);
    Set<Integer> insertAt = insertCycles(settings, new Random(15));
    try (Rig rig = new Rig(work.resolve("registered-" + UUID.randomUUID()), settings.integrators())) {
      Counts polling = polling(rig, settings, insertAt);
      rig.reset();
      Counts registered = registered(rig, settings, insertAt);
      double rowsSentRatio = ratio(polling.rowsSent(), registered.rowsSent());
      double rowsReadRatio = ratio(polling.rowsRead(), registered.rowsRead());
      double queriesRatio = ratio(polling.queries(), registered.queries());
      JsonObject ratios = new JsonObject().put("rowsSentToCloud", Spread.round(rowsSentRatio))
          .put("resultsSentToCloud", Spread.round(ratio(polling.results(), registered.results())))
          .put("rowsReadAtDatabase", Spread.round(rowsReadRatio)).put("queriesExecuted", Spread.round(queriesRatio));
      // Issue #15's targets: >= 20x fewer rows read at the database and queries executed. Rows sent to the cloud
      // are reported beside them: their ratio is the hour's cycles over its changes (expectedRowsSentRatio).
      JsonObject targets = new JsonObject()
          .put("rowsReadAtDatabaseRatio", Targets.atLeast(rowsReadRatio, TARGET_RATIO,
              ">= 20x fewer rows read at the database than polling"))
          .put("queriesExecutedRatio", Targets.atLeast(queriesRatio, TARGET_RATIO,
              ">= 20x fewer queries executed than polling"));
      JsonArray headlines = new JsonArray()
          .add(String.format(java.util.Locale.ROOT, "%d integrators, %d cycles, %d inserts: rows sent to the cloud "
                  + "%d polling vs %d registered (%.1fx fewer)", settings.integrators(), settings.cycles(),
              insertAt.size(), polling.rowsSent(), registered.rowsSent(), rowsSentRatio))
          .add(String.format(java.util.Locale.ROOT, "rows read at the database %d vs %d (%.2fx), queries executed "
              + "%d vs %d (%.2fx)", polling.rowsRead(), registered.rowsRead(), rowsReadRatio, polling.queries(),
              registered.queries(), queriesRatio));
      return new JsonObject().put("name", NAME).put("mode", mode.label())
          .put("settings", new JsonObject().put("integrators", settings.integrators()).put("cycles", settings.cycles())
              .put("insertCycles", new JsonArray(List.copyOf(insertAt))).put("seedRows", SEED_ROWS)
              .put("simulatedMinuteMs", 1000).put("sql", SQL))
          .put("polling", polling.toJson()).put("registered", registered.toJson().put("rowsOfAnnouncedResults",
              announcedRows))
          .put("ratiosPollingToRegistered", ratios)
          .put("expectedRowsSentRatio", Spread.round(expectedRatio(settings, insertAt)))
          .put("targets", targets).put("headlines", headlines);
    }
  }

  /** Distinct cycles from 1 to C-1 (the last cycle's change must still be seen within the hour). */
  static Set<Integer> insertCycles(Settings settings, Random random) {
    Set<Integer> cycles = new TreeSet<>();
    while (cycles.size() < settings.inserts()) {
      cycles.add(1 + random.nextInt(settings.cycles() - 1));
    }
    return cycles;
  }

  /**
   * What the ratio of rows sent must be if every change is sent once: polling sends each cycle's
   * rows (the table as it stands that cycle); registered sends the table once per insert.
   */
  static double expectedRatio(Settings settings, Set<Integer> insertAt) {
    long polled = 0;
    long registered = 0;
    int rows = SEED_ROWS;
    for (int cycle = 1; cycle <= settings.cycles(); cycle++) {
      if (insertAt.contains(cycle)) {
        rows++;
        registered += rows;
      }
      polled += rows;
    }
    return ratio(polled, registered);
  }

  private static double ratio(long a, long b) {
    return b == 0 ? Double.NaN : (double) a / b;
  }

  private Counts polling(Rig rig, Settings settings, Set<Integer> insertAt) throws Exception {
    pollRound(rig, settings); // warm-up: the first answers, not counted
    long queries = 0;
    long rows = 0;
    for (int cycle = 1; cycle <= settings.cycles(); cycle++) {
      if (insertAt.contains(cycle)) {
        rig.insert(cycle);
      }
      long[] round = pollRound(rig, settings);
      queries += round[0];
      rows += round[1];
    }
    // Every answer is whole (no cap is reached): the rows the agent read are the rows it sent.
    return new Counts(queries, rows, rows, queries);
  }

  /** Every integrator's query once, a few in flight at a time: {queries answered, rows received}. */
  private long[] pollRound(Rig rig, Settings settings) {
    long queries = 0;
    long rows = 0;
    for (int from = 0; from < rig.tokens.size(); from += settings.pollingInFlight()) {
      List<Future<JsonObject>> batch = new ArrayList<>();
      for (int i = from; i < Math.min(rig.tokens.size(), from + settings.pollingInFlight()); i++) {
        batch.add(rig.poll(rig.tokens.get(i)));
      }
      for (Future<JsonObject> answer : batch) {
        JsonObject body = answer.await();
        queries++;
        rows += body.getJsonArray("rows").size();
      }
    }
    return new long[] {queries, rows};
  }

  private Counts registered(Rig rig, Settings settings, Set<Integer> insertAt) throws Exception {
    for (String token : rig.tokens) {
      rig.register(token);
    }
    // Warm-up: every registration's first result fetched and announced.
    rig.awaitNotices(rig.tokens.size(), 60_000);
    long noticesBefore = rig.notices.size();
    long runsBefore = rig.agent.registered().runs();
    long sentBefore = rig.agent.registered().rowsSent();
    long readBefore = rig.agent.registered().rowsRead();
    long start = System.currentTimeMillis();
    for (int cycle = 1; cycle <= settings.cycles(); cycle++) {
      long due = start + (cycle - 1) * 1000L;
      Thread.sleep(Math.max(0, due - System.currentTimeMillis()));
      if (insertAt.contains(cycle)) {
        rig.insert(cycle);
      }
    }
    Thread.sleep(Math.max(0, start + settings.cycles() * 1000L - System.currentTimeMillis()));
    long runs = rig.agent.registered().runs() - runsBefore;
    long read = rig.agent.registered().rowsRead() - readBefore;
    // The last insert's changes may still be on their way: wait for them, counting no more runs.
    rig.awaitNotices(noticesBefore + (long) insertAt.size() * rig.tokens.size(), 30_000);
    // Rows of every changed result the cloud fetched (at the agent: a result fetched twice counts twice), and,
    // as a check, the rows of the results announced.
    long rowsSent = rig.agent.registered().rowsSent() - sentBefore;
    long rowsAnnounced = 0;
    List<ChangeNotice> changes = rig.notices.subList((int) noticesBefore, rig.notices.size());
    for (ChangeNotice notice : changes) {
      QueryRecord kept = rig.cloud.queryRecords().find(notice.resultId()).await().orElseThrow();
      rowsAnnounced += kept.rowCount() == null ? 0 : kept.rowCount();
    }
    announcedRows = rowsAnnounced;
    return new Counts(runs, read, rowsSent, changes.size());
  }

  record ChangeNotice(String integratorId, String registrationId, String resultId) {}

  /** A cloud and an agent on one H2 database, N integrators enabled at the practice, each with a token. */
  private static final class Rig implements AutoCloseable {
    final Vertx cloudVertx = VertxRuntime.create();
    final Vertx agentVertx = VertxRuntime.create();
    final List<ChangeNotice> notices = new CopyOnWriteArrayList<>();
    final CloudNode cloud;
    final AgentNode agent;
    final JdbcDataSource database;
    final WebClient web;
    final String practiceId;
    final List<String> tokens = new ArrayList<>();

    Rig(Path dir, int integrators) throws Exception {
      JsonObject json = ConfigLoader.defaults("cloud");
      json.put("dataDir", dir.resolve("cloud").toString());
      json.getJsonObject("http").put("host", "127.0.0.1").put("port", 0);
      json.getJsonObject("bridge").put("host", "127.0.0.1").put("port", 0);
      json.getJsonObject("management").put("port", 0);
      json.getJsonObject("registered").put("minEverySeconds", 1).put("perIntegratorPerPractice", 1);
      ChangeNotices recording = (integrator, registration, result, at) -> {
        notices.add(new ChangeNotice(integrator, registration, result));
        return Future.succeededFuture();
      };
      cloud = new CloudNode(cloudVertx, CloudConfig.from(json), recording).start().await();
      PracticeStore.Created practice = cloud.practices().create("Bench Practice").await();
      practiceId = practice.practiceId();
      database = database();
      JsonObject agentJson = ConfigLoader.defaults("agent");
      agentJson.put("practiceId", practiceId).put("agentKey", practice.agentKey());
      agentJson.getJsonObject("cloud").put("host", "127.0.0.1").put("port", cloud.bridgePort())
          .getJsonObject("tls").put("pinnedSha256", cloud.tls().fingerprintSha256());
      agentJson.getJsonObject("registered").put("dir", dir.resolve("agent").toString());
      AgentConfig agentConfig = AgentConfig.from(agentJson);
      PooledPms pms = PooledPms.of("bench", "h2", Map.of("BenchPMS", database), agentConfig.exec().maxConcurrent());
      agent = new AgentNode(agentVertx, agentConfig, pms, new SqlGuard(65_536, Set.of())).start().await();
      long deadline = System.currentTimeMillis() + 15_000;
      while (!cloud.agents().isConnected(practiceId)) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("the agent did not connect within 15 s");
        }
        Thread.sleep(20);
      }
      web = WebClient.create(cloudVertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(cloud.httpPort()));
      for (int i = 0; i < integrators; i++) {
        IntegratorStore.Created created = cloud.integrators().create("Integrator " + i, null).await();
        cloud.grants().put(new Grant(practiceId, created.clientId(), GrantStatus.ENABLED, new JsonArray(), 10_000,
            30_000, 30_000, 6_000, 1)).await();
        MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")
            .add("client_id", created.clientId()).add("client_secret", created.clientSecret());
        tokens.add(web.post("/v1/token").sendForm(form).map(r -> r.bodyAsJsonObject().getString("access_token")).await());
      }
    }

    private static JdbcDataSource database() throws Exception {
      JdbcDataSource source = new JdbcDataSource();
      source.setURL("jdbc:h2:mem:bench-registered" + UUID.randomUUID().toString().replace("-", "")
          + ";DB_CLOSE_DELAY=-1;MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE"
          + ";INIT=CREATE SCHEMA IF NOT EXISTS dbo\\;SET SCHEMA dbo");
      source.setUser("sa");
      source.setPassword("");
      try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE dbo.Appointments (AppointmentId INT PRIMARY KEY, PatientId INT, StartsAt DATETIME2)");
      }
      seed(source);
      return source;
    }

    private static void seed(JdbcDataSource source) throws Exception {
      try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
        s.execute("DELETE FROM dbo.Appointments");
        for (int i = 1; i <= SEED_ROWS; i++) {
          s.execute("INSERT INTO dbo.Appointments VALUES (" + i + ", " + (1000 + i) + ", DATEADD(HOUR, " + i
              + ", TIMESTAMP '2026-12-02 08:00:00'))");
        }
      }
    }

    /** The table back to its seed rows (between the two approaches). */
    void reset() throws Exception {
      seed(database);
    }

    void insert(int cycle) throws Exception {
      try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
        s.execute("INSERT INTO dbo.Appointments VALUES (" + (SEED_ROWS + cycle) + ", " + (5000 + cycle)
            + ", TIMESTAMP '2026-12-09 09:00:00')");
      }
    }

    Future<JsonObject> poll(String token) {
      return web.post("/v1/practices/" + practiceId + "/queries").putHeader("Authorization", "Bearer " + token)
          .sendJsonObject(new JsonObject().put("sql", SQL).put("params", new JsonArray().add(FROM)))
          .map(r -> {
            if (r.statusCode() != 200) {
              throw new IllegalStateException("polling query answered " + r.statusCode() + ": " + r.bodyAsString());
            }
            return r.bodyAsJsonObject();
          });
    }

    void register(String token) {
      var r = web.post("/v1/practices/" + practiceId + "/registered-queries").putHeader("Authorization", "Bearer " + token)
          .sendJsonObject(new JsonObject().put("sql", SQL).put("params", new JsonArray().add(FROM)).put("everySeconds", 1))
          .await();
      if (r.statusCode() != 201) {
        throw new IllegalStateException("registering answered " + r.statusCode() + ": " + r.bodyAsString());
      }
    }

    void awaitNotices(long count, long timeoutMs) throws InterruptedException {
      long deadline = System.currentTimeMillis() + timeoutMs;
      while (notices.size() < count) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("only " + notices.size() + " of " + count + " changes were announced");
        }
        Thread.sleep(20);
      }
    }

    @Override
    public void close() {
      try {
        web.close();
        agent.stop().await();
        cloud.stop().await();
      } finally {
        agentVertx.close().await();
        cloudVertx.close().await();
      }
    }
  }
}
