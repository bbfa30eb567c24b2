package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.store.Alert;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.cloud.store.IntegratorStore;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The suspicious-activity monitor in the demo system, over real sockets: each rule about
 * integrators fires on its scripted scenario and not on its near miss, a rule's pause refuses the
 * integrator's next queries within a second, every alert is stored, logged once (without SQL or
 * secrets) and counted at the management listener's /metrics, and the console shows a practice
 * admin its own practice's alerts only and acknowledges them. Each test has integrators of its
 * own, so none depends on another. The agent-key rule: {@link AgentKeyMonitorTest}.
 */
@Timeout(120)
class MonitorTest {
  @TempDir static Path dir;
  static RelayFixture relay;
  static CloudNode cloud;
  private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();
  private static final AtomicInteger INTEGRATORS = new AtomicInteger();

  /**
   * Thresholds lowered so that a test trips them in a few requests; refusals pause. The failure
   * throttle (its own tests: TokenThrottleTest) would answer this class's wrong secrets, all from
   * 127.0.0.1, with 429 after five: here it lets them through.
   */
  static final JsonObject SETTINGS = new JsonObject()
      .put("throttle", new JsonObject().put("token", new JsonObject().put("freeFailures", 1_000)))
      .put("monitor", new JsonObject()
      .put("saveIntervalSeconds", 1)
      .put("rules", new JsonObject()
          .put("volume", new JsonObject().put("minQueries", 5).put("factor", 3).put("minRows", 1_000_000))
          .put("newTables", new JsonObject().put("learningHours", 0))
          .put("refusals", new JsonObject().put("threshold", 5).put("pauseIntegrator", true))
          .put("tokenFailures", new JsonObject().put("threshold", 5))));

  @BeforeAll
  static void start() throws Exception {
    relay = RelayFixture.start(dir, SETTINGS);
    cloud = relay.demo.cloud();
    LOG.start();
    ((Logger) LoggerFactory.getLogger("com.pmsrelay.cloud.monitor.AlertRecorder")).addAppender(LOG);
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger("com.pmsrelay.cloud.monitor.AlertRecorder")).detachAppender(LOG);
    relay.close();
  }

  /** A new integrator enabled at the given practices (by index). */
  static IntegratorStore.Created integrator(int... practices) {
    IntegratorStore.Created created = cloud.integrators().create("Monitor test " + INTEGRATORS.incrementAndGet(), null)
        .await();
    for (int p : practices) {
      cloud.grants().put(Grant.withDefaults(relay.practiceId(p), created.clientId(), GrantStatus.ENABLED)).await();
    }
    return created;
  }

  static String token(IntegratorStore.Created i) {
    HttpResponse<Buffer> r = relay.tokenResponse(i.clientId(), i.clientSecret()).await();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getString("access_token");
  }

  static HttpResponse<Buffer> query(String token, int practice, String sql) {
    return relay.query(token, relay.practiceId(practice), sql).await();
  }

  /** The integrator's alerts at the practice once {@code count} of {@code rule} are stored (10 s at most). */
  static List<Alert> awaitAlerts(int practice, String clientId, String rule, int count) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    List<Alert> found;
    do {
      found = alerts(practice, clientId, rule);
      if (found.size() >= count) {
        return found;
      }
      Thread.sleep(50);
    } while (System.currentTimeMillis() < deadline);
    return found;
  }

  static List<Alert> alerts(int practice, String clientId, String rule) {
    return cloud.alerts().list(relay.practiceId(practice), false, 1_000).await().stream()
        .filter(a -> java.util.Objects.equals(a.clientId(), clientId) && a.rule().equals(rule)).toList();
  }

  /** Long enough for the monitor to have seen what was sent, so that "no alert" means none. */
  static void settle() throws InterruptedException {
    Thread.sleep(1_500);
  }

  /** Seeds what the monitor has learnt of an integrator at a practice: first seen 30 days ago. */
  static void learnt(int practice, String clientId, int hours, JsonArray tables, JsonArray days) {
    JsonObject state = new JsonObject().put("f", System.currentTimeMillis() - 30L * 86_400_000).put("h", hours)
        .put("t", tables).put("d", days);
    cloud.baselines().merge(relay.practiceId(practice), clientId, stored -> state.encode()).await();
  }

  // ---- 3. refusals, with the pause ----

  @Test
  void aBurstOfRefusalsAlertsOnceLogsOnceAndPausesTheIntegratorWithinASecond() throws Exception {
    IntegratorStore.Created i = integrator(0);
    String token = token(i);
    String marker = "Refusal" + System.nanoTime();
    for (int n = 0; n < 5; n++) {
      assertThat(query(token, 0, "DELETE FROM dbo.Patients WHERE Surname = '" + marker + "'").statusCode()).isEqualTo(400);
    }
    long tripped = System.nanoTime();
    // The next queries: refused as soon as the pause lands.
    int status;
    int sent = 0;
    do {
      status = query(token, 0, "SELECT TOP 1 PatientId FROM dbo.Patients").statusCode();
      sent++;
    } while (status == 200 && System.nanoTime() - tripped < 5_000_000_000L);
    long pausedAfterMs = (System.nanoTime() - tripped) / 1_000_000;
    System.out.printf("MonitorTest: the integrator was refused %d ms after the tripping query's answer (%d queries"
        + " sent after it)%n", pausedAfterMs, sent);
    HttpResponse<Buffer> refused = query(token, 0, "SELECT TOP 1 PatientId FROM dbo.Patients");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.bodyAsJsonObject().getString("code")).isEqualTo("integration_disabled");
    assertThat(pausedAfterMs).isLessThan(1_000);

    List<Alert> alerts = awaitAlerts(0, i.clientId(), "refusals", 1);
    assertThat(alerts).hasSize(1);
    Alert alert = alerts.get(0);
    assertThat(alert.paused()).isTrue();
    assertThat(alert.figures().getInteger("refusals")).isEqualTo(5);
    assertThat(alert.figures().encode()).doesNotContain(marker).doesNotContain("DELETE");
    assertThat(cloud.grants().find(relay.practiceId(0), i.clientId()).await().orElseThrow().status())
        .isEqualTo(GrantStatus.DISABLED);
    // the pause is audited as the monitor's action
    assertThat(cloud.audit().list(new com.pmsrelay.cloud.store.AuditStore.Query(relay.practiceId(0), null, null,
        "monitor", "admin", null, null, 100)).await())
        .anySatisfy(r -> assertThat(r.detail()).contains(i.clientId()).contains(alert.alertId()).contains("disabled"));
    // one WARN line for it, with the figures but no SQL, marker, secret or token
    List<String> lines = LOG.list.stream().filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(alert.alertId())).toList();
    assertThat(lines).singleElement().satisfies(line -> assertThat(line).contains("refusals").contains(i.clientId())
        .contains("integrator paused").doesNotContain(marker).doesNotContain(i.clientSecret()).doesNotContain(token));
  }

  @Test
  void fourRefusalsAreANearMiss() throws Exception {
    IntegratorStore.Created i = integrator(1);
    String token = token(i);
    for (int n = 0; n < 4; n++) {
      assertThat(query(token, 1, "SELECT 1; DROP TABLE dbo.Patients").statusCode()).isEqualTo(400);
    }
    settle();
    assertThat(alerts(1, i.clientId(), "refusals")).isEmpty();
    assertThat(query(token, 1, "SELECT TOP 1 PatientId FROM dbo.Patients").statusCode()).isEqualTo(200);
  }

  // ---- 2. new tables ----

  @Test
  void aTableTheIntegratorNeverReadAlertsOnceAndAKnownOneNever() throws Exception {
    IntegratorStore.Created i = integrator(1);
    String token = token(i);
    assertThat(query(token, 1, "SELECT TOP 2 PatientId FROM dbo.Patients").statusCode()).isEqualTo(200); // learnt
    settle();
    assertThat(query(token, 1, "SELECT TOP 2 PatientId, Surname FROM Patients").statusCode()).isEqualTo(200);
    settle();
    assertThat(alerts(1, i.clientId(), "newTables")).as("a known table").isEmpty();
    assertThat(query(token, 1, "SELECT TOP 2 a.AppointmentId FROM dbo.Appointments a JOIN dbo.Patients p "
        + "ON p.PatientId = a.PatientId").statusCode()).isEqualTo(200);
    List<Alert> alerts = awaitAlerts(1, i.clientId(), "newTables", 1);
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.figures().getJsonArray("tables").getList()).containsExactly("dbo.appointments");
      assertThat(a.figures().getInteger("knownTables")).isEqualTo(1);
      assertThat(a.paused()).isFalse();
    });
    assertThat(query(token, 1, "SELECT TOP 1 AppointmentId FROM dbo.Appointments").statusCode()).isEqualTo(200);
    settle();
    assertThat(alerts(1, i.clientId(), "newTables")).hasSize(1);
  }

  // ---- 1. volume ----

  @Test
  void queriesAboveThreeTimesTheLearntPeakAlertAndUpToItNot() throws Exception {
    IntegratorStore.Created busy = integrator(0);
    IntegratorStore.Created steady = integrator(0);
    long yesterday = System.currentTimeMillis() / 86_400_000L - 1;
    // busiest window of recent days: 2 queries; limit max(minQueries 5, 3 x 2) = 6
    for (IntegratorStore.Created i : List.of(busy, steady)) {
      learnt(0, i.clientId(), 0xFFFFFF, new JsonArray().add("dbo.patients"),
          new JsonArray().add(new JsonArray().add(yesterday).add(2).add(10)));
    }
    awaitWindowRoom(60_000);
    String busyToken = token(busy);
    String steadyToken = token(steady);
    for (int n = 0; n < 6; n++) {
      assertThat(query(steadyToken, 0, "SELECT TOP 1 PatientId FROM dbo.Patients").statusCode()).isEqualTo(200);
    }
    for (int n = 0; n < 7; n++) {
      assertThat(query(busyToken, 0, "SELECT TOP 1 PatientId FROM dbo.Patients").statusCode()).isEqualTo(200);
    }
    List<Alert> alerts = awaitAlerts(0, busy.clientId(), "volume", 1);
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.figures().getLong("queries")).isEqualTo(7);
      assertThat(a.figures().getLong("baselineQueries")).isEqualTo(2);
      assertThat(a.figures().getLong("queryLimit")).isEqualTo(6);
    });
    settle();
    assertThat(alerts(0, steady.clientId(), "volume")).as("6 queries: at the limit, not above").isEmpty();
  }

  /** Waits, if need be, until at least {@code ms} remain in the current 10-minute volume window. */
  private static void awaitWindowRoom(long ms) throws InterruptedException {
    long windowMs = 600_000;
    long left = windowMs - System.currentTimeMillis() % windowMs;
    if (left < ms) {
      Thread.sleep(left + 100);
    }
  }

  // ---- 4. off hours ----

  @Test
  void aQueryAtAnHourNeverUsedAlertsAndAtAKnownHourNot() throws Exception {
    IntegratorStore.Created night = integrator(1);
    IntegratorStore.Created usual = integrator(1);
    long untilNextHour = 3_600_000 - System.currentTimeMillis() % 3_600_000;
    if (untilNextHour < 30_000) {
      Thread.sleep(untilNextHour + 100);
    }
    int hour = Instant.now().atZone(ZoneOffset.UTC).getHour();
    learnt(1, night.clientId(), 0xFFFFFF & ~(1 << hour), new JsonArray().add("dbo.patients"), new JsonArray());
    learnt(1, usual.clientId(), 1 << hour, new JsonArray().add("dbo.patients"), new JsonArray());
    assertThat(query(token(usual), 1, "SELECT TOP 1 PatientId FROM dbo.Patients").statusCode()).isEqualTo(200);
    assertThat(query(token(night), 1, "SELECT TOP 1 PatientId FROM dbo.Patients").statusCode()).isEqualTo(200);
    List<Alert> alerts = awaitAlerts(1, night.clientId(), "offHours", 1);
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.figures().getInteger("hour")).isEqualTo(hour);
      assertThat(a.figures().getString("zone")).isEqualTo("UTC");
      assertThat(a.figures().getJsonArray("knownHours")).hasSize(23);
    });
    settle();
    assertThat(alerts(1, usual.clientId(), "offHours")).isEmpty();
  }

  // ---- 5. failed token requests ----

  @Test
  void failedTokenRequestsAlertAtEveryPracticeThatGrantedTheClientAndFourDoNot() throws Exception {
    IntegratorStore.Created guessed = integrator(0, 1);
    IntegratorStore.Created mistyped = integrator(0);
    for (int n = 0; n < 4; n++) {
      assertThat(relay.tokenResponse(mistyped.clientId(), "wrong-" + n).await().statusCode()).isEqualTo(401);
    }
    for (int n = 0; n < 5; n++) {
      assertThat(relay.tokenResponse(guessed.clientId(), "guess-" + n).await().statusCode()).isEqualTo(401);
    }
    assertThat(awaitAlerts(0, guessed.clientId(), "tokenFailures", 1)).singleElement()
        .satisfies(a -> assertThat(a.figures().getInteger("failures")).isEqualTo(5));
    assertThat(awaitAlerts(1, guessed.clientId(), "tokenFailures", 1)).hasSize(1);
    settle();
    assertThat(alerts(0, mistyped.clientId(), "tokenFailures")).isEmpty();
    assertThat(LOG.list.stream().map(ILoggingEvent::getFormattedMessage)).noneMatch(m -> m.contains("guess-"));
    // the rule does not pause (tokenFailures.pauseIntegrator is false): the right secret still works
    assertThat(query(token(guessed), 0, "SELECT TOP 1 PatientId FROM dbo.Patients").statusCode()).isEqualTo(200);
  }

  // ---- metrics ----

  @Test
  void theManagementListenerCountsEveryAlertByRule() throws Exception {
    IntegratorStore.Created i = integrator(1);
    for (int n = 0; n < 5; n++) {
      relay.tokenResponse(i.clientId(), "x").await();
    }
    awaitAlerts(1, i.clientId(), "tokenFailures", 1);
    String url = relay.credentials.getString("metricsUrl");
    assertThat(url).startsWith("http://127.0.0.1:").endsWith("/metrics");
    io.vertx.ext.web.client.WebClient web = io.vertx.ext.web.client.WebClient.create(relay.vertx());
    try {
      HttpResponse<Buffer> metrics = web.getAbs(url).send().await();
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.getHeader("Content-Type")).startsWith("text/plain");
      String text = metrics.bodyAsString();
      assertThat(text).contains("# TYPE pmsrelay_alerts_total counter");
      List<Alert> stored = cloud.alerts().list(null, false, 10_000).await();
      for (String rule : com.pmsrelay.cloud.monitor.MonitorConfig.RULES) {
        long count = stored.stream().filter(a -> a.rule().equals(rule)).count();
        assertThat(text).as(rule).containsPattern("pmsrelay_alerts_total\\{rule=\"" + rule + "\"} " + count + "\\.0\\b");
      }
      assertThat(stored.stream().filter(a -> a.rule().equals("tokenFailures")).count()).isPositive();
      // the listener serves nothing else, and never the API
      HttpResponse<Buffer> other = web.getAbs(url.replace("/metrics", "/v1/practices")).send().await();
      assertThat(other.statusCode()).isEqualTo(404);
      assertThat(other.getHeader("Content-Type")).isEqualTo("application/problem+json");
    } finally {
      web.close();
    }
  }

  // ---- the console ----

  @Test
  void theConsoleShowsItsOwnPracticesAlertsOnlyAndAcknowledgesThem() throws Exception {
    IntegratorStore.Created here = integrator(0);
    IntegratorStore.Created there = integrator(1);
    for (int n = 0; n < 5; n++) {
      relay.tokenResponse(here.clientId(), "x").await();
      relay.tokenResponse(there.clientId(), "x").await();
    }
    Alert mine = awaitAlerts(0, here.clientId(), "tokenFailures", 1).get(0);
    Alert theirs = awaitAlerts(1, there.clientId(), "tokenFailures", 1).get(0);
    Console c = login(0);
    String p0 = relay.practiceId(0);
    String p1 = relay.practiceId(1);

    JsonObject list = c.request(HttpMethod.GET, "/practices/" + p0 + "/alerts").send().await().bodyAsJsonObject();
    assertThat(list.getBoolean("monitor")).isTrue();
    long unacknowledged = list.getLong("unacknowledged");
    assertThat(unacknowledged).isPositive();
    List<String> ids = list.getJsonArray("alerts").stream().map(a -> ((JsonObject) a).getString("alertId")).toList();
    assertThat(ids).contains(mine.alertId()).doesNotContain(theirs.alertId());
    assertThat(list.getJsonArray("alerts").stream().map(a -> ((JsonObject) a).getString("practiceId"))).containsOnly(p0);

    // another practice: not found, whatever the path
    assertThat(c.request(HttpMethod.GET, "/practices/" + p1 + "/alerts").send().await().statusCode()).isEqualTo(404);
    assertThat(c.request(HttpMethod.POST, "/practices/" + p1 + "/alerts/" + theirs.alertId() + "/acknowledge").send()
        .await().statusCode()).isEqualTo(404);
    assertThat(c.request(HttpMethod.POST, "/practices/" + p0 + "/alerts/" + theirs.alertId() + "/acknowledge").send()
        .await().statusCode()).isEqualTo(404);
    assertThat(cloud.alerts().find(p1, theirs.alertId()).await().orElseThrow().acknowledged()).isFalse();
    // a change needs the CSRF token; bad filters are problems
    assertThat(relay.http.post("/console/api/practices/" + p0 + "/alerts/" + mine.alertId() + "/acknowledge")
        .putHeader("Cookie", c.cookie()).send().await().statusCode()).isEqualTo(403);
    HttpResponse<Buffer> bad = c.request(HttpMethod.GET, "/practices/" + p0 + "/alerts?limit=0").send().await();
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getString("code")).isEqualTo("invalid_request");

    HttpResponse<Buffer> acked = c.request(HttpMethod.POST, "/practices/" + p0 + "/alerts/" + mine.alertId()
        + "/acknowledge").send().await();
    assertThat(acked.statusCode()).isEqualTo(200);
    assertThat(acked.bodyAsJsonObject().getString("acknowledgedBy")).isEqualTo("console:"
        + relay.credentials.getJsonArray("consoleUsers").getJsonObject(0).getString("username"));
    JsonObject after = c.request(HttpMethod.GET, "/practices/" + p0 + "/alerts?unacknowledged=true").send().await()
        .bodyAsJsonObject();
    assertThat(after.getLong("unacknowledged")).isEqualTo(unacknowledged - 1);
    assertThat(after.getJsonArray("alerts").stream().map(a -> ((JsonObject) a).getString("alertId")))
        .doesNotContain(mine.alertId());
    assertThat(cloud.audit().list(new com.pmsrelay.cloud.store.AuditStore.Query(p0, null, null, null, "admin", null,
        null, 100)).await()).anySatisfy(r -> {
          assertThat(r.action()).isEqualTo("alert.acknowledge");
          assertThat(r.detail()).contains(mine.alertId());
        });
  }

  /** A logged-in console: its cookie and CSRF token. */
  record Console(String cookie, String csrf, String practiceId) {
    io.vertx.ext.web.client.HttpRequest<Buffer> request(HttpMethod method, String path) {
      return relay.http.request(method, "/console/api" + path).putHeader("Cookie", cookie).putHeader("X-CSRF-Token", csrf);
    }
  }

  private static Console login(int i) {
    JsonObject user = relay.credentials.getJsonArray("consoleUsers").getJsonObject(i);
    HttpResponse<Buffer> r = relay.http.post("/console/api/login").sendJsonObject(new JsonObject()
        .put("username", user.getString("username")).put("password", user.getString("password"))).await();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return new Console(r.cookies().get(0).split(";")[0], r.bodyAsJsonObject().getString("csrfToken"),
        r.bodyAsJsonObject().getString("practiceId"));
  }
}
