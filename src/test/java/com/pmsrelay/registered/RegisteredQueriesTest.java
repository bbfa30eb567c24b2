package com.pmsrelay.registered;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.common.protocol.Registration;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registered queries end to end: a real cloud and agent over TLS, the agent on an H2 database the
 * test writes to, runs every second (the test-only minimum), changes announced to a recording
 * {@link com.pmsrelay.cloud.webhook.ChangeNotices}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RegisteredQueriesTest {
  private static final String SQL = "SELECT AppointmentId, PatientName FROM dbo.Appointments ORDER BY AppointmentId";

  @TempDir
  Path dir;
  RegisteredRelay relay;

  @BeforeEach
  void start() throws Exception {
    relay = new RegisteredRelay(dir);
  }

  @AfterEach
  void stop() {
    relay.close();
  }

  private static JsonObject every(int seconds, String sql) {
    return new JsonObject().put("sql", sql).put("everySeconds", seconds);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  private List<Long> starts(String registrationId) {
    return relay.agent.registered().starts(registrationId);
  }

  @Test
  void aChangeIsAnnouncedOncePerChangeNotOncePerRun() throws Exception {
    String token = relay.token(relay.first);
    HttpResponse<Buffer> created = relay.register(token, every(1, SQL));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    JsonObject registration = created.bodyAsJsonObject();
    String id = registration.getString("registrationId");
    assertThat(created.getHeader("Location")).isEqualTo("/v1/registered-queries/" + id);
    assertThat(registration.getString("status")).isEqualTo("active");
    assertThat(registration.getInteger("everySeconds")).isEqualTo(1);
    assertThat(registration.containsKey("params")).as("parameter values are never answered back").isFalse();

    await("the first change", () -> relay.notices.size() == 1);
    RegisteredRelay.Notice first = relay.notices.get(0);
    assertThat(first.integratorId()).isEqualTo(relay.first.clientId());
    assertThat(first.registrationId()).isEqualTo(id);
    JsonObject page = relay.get(token, "/v1/queries/" + first.resultId() + "/results").bodyAsJsonObject();
    assertThat(page.getJsonArray("rows")).hasSize(2);

    // Runs go on; the answer does not change: nothing more is announced.
    long runsBefore = relay.agent.registered().runs();
    await("three more runs", () -> relay.agent.registered().runs() >= runsBefore + 3);
    Thread.sleep(300); // the last run's note reaches the cloud
    assertThat(relay.notices).hasSize(1);

    relay.execute("INSERT INTO dbo.Appointments VALUES (3, 'Ana Lima')");
    await("the second change", () -> relay.notices.size() == 2);
    RegisteredRelay.Notice second = relay.notices.get(1);
    assertThat(second.resultId()).isNotEqualTo(first.resultId());
    JsonArray rows = relay.get(token, "/v1/queries/" + second.resultId() + "/results").bodyAsJsonObject().getJsonArray("rows");
    assertThat(rows).hasSize(3);
    assertThat(rows.getJsonArray(2).getString(1)).isEqualTo("Ana Lima");
    long after = relay.agent.registered().runs();
    await("two more runs", () -> relay.agent.registered().runs() >= after + 2);
    Thread.sleep(300);
    assertThat(relay.notices).as("exactly one more change").hasSize(2);

    JsonObject read = relay.get(token, "/v1/registered-queries/" + id).bodyAsJsonObject();
    assertThat(read.getString("lastResultId")).isEqualTo(second.resultId());
    assertThat(read.getString("lastRunAt")).isNotNull();
    assertThat(Instant.parse(read.getString("lastChangeAt"))).isEqualTo(second.changedAt());
    JsonArray mine = relay.get(token, "/v1/registered-queries").bodyAsJsonObject().getJsonArray("registeredQueries");
    assertThat(mine).hasSize(1);

    // Another integrator: no such registration, and not in its list; its results are not its either.
    String other = relay.token(relay.second);
    HttpResponse<Buffer> foreign = relay.get(other, "/v1/registered-queries/" + id);
    assertThat(foreign.statusCode()).isEqualTo(404);
    assertThat(foreign.bodyAsJsonObject().getString("code")).isEqualTo("registration_not_found");
    assertThat(relay.delete(other, "/v1/registered-queries/" + id).statusCode()).isEqualTo(404);
    assertThat(relay.get(other, "/v1/registered-queries").bodyAsJsonObject().getJsonArray("registeredQueries")).isEmpty();
    assertThat(relay.get(other, "/v1/queries/" + second.resultId() + "/results").statusCode()).isEqualTo(404);

    // Every run is audited as kind 'registered'.
    JsonArray audit = new JsonArray(relay.cloud.audit().list(new com.pmsrelay.cloud.store.AuditStore.Query(relay.practiceId,
        null, null, null, "registered", null, null, 100)).await().stream().map(r -> r.toJson()).toList());
    assertThat(audit.size()).isGreaterThanOrEqualTo(5);
    assertThat(audit.getJsonObject(0).getString("registrationId")).isEqualTo(id);
  }

  @Test
  void aChangedResultLostBetweenTheRunAndTheFetchIsAnnouncedExactlyOnceLater() throws Exception {
    // The cloud's first fetch of a changed result fails at the agent: the request is spoiled on its way (it names
    // a hash the agent does not hold), as if the cloud had died after the run note and another node asked later.
    AtomicInteger fetches = new AtomicInteger();
    relay.cloudVertx.eventBus().addOutboundInterceptor(delivery -> {
      if (delivery.body() instanceof JsonObject body && Registration.OP_FETCH.equals(body.getString("op"))
          && fetches.getAndIncrement() == 0) {
        body.put("hash", "f".repeat(64));
      }
      delivery.next();
    });
    String token = relay.token(relay.first);
    String id = relay.register(token, every(1, SQL)).bodyAsJsonObject().getString("registrationId");

    await("the change to be announced", () -> relay.notices.size() == 1);
    assertThat(fetches.get()).as("the lost fetch, then one that got the rows").isGreaterThanOrEqualTo(2);
    RegisteredRelay.Notice notice = relay.notices.get(0);
    assertThat(notice.registrationId()).isEqualTo(id);
    assertThat(relay.get(token, "/v1/queries/" + notice.resultId() + "/results").bodyAsJsonObject().getJsonArray("rows"))
        .hasSize(2);
    long runs = relay.agent.registered().runs();
    await("three more runs", () -> relay.agent.registered().runs() >= runs + 3);
    Thread.sleep(300);
    assertThat(relay.notices).as("announced once, not again for the lost attempt").hasSize(1);
    JsonObject read = relay.get(token, "/v1/registered-queries/" + id).bodyAsJsonObject();
    assertThat(read.getString("lastResultId")).isEqualTo(notice.resultId());
  }

  /**
   * Two integrators asking the same question (same statement, values, scopes and caps) on the same
   * schedule: the agent asks the database once a turn for both, and each hears of each change with
   * its own result, readable by it alone.
   */
  @Test
  void registrationsOfTheSameQueryShareOneRunAndEachHearsOfTheChange() throws Exception {
    relay.cloud.grants().put(new com.pmsrelay.cloud.store.Grant(relay.practiceId, relay.second.clientId(),
        GrantStatus.ENABLED, new JsonArray(), 10_000, 30_000, 30_000, 600, 1)).await(); // the first's scopes and caps
    String firstToken = relay.token(relay.first);
    String secondToken = relay.token(relay.second);
    String a = relay.register(firstToken, every(1, SQL)).bodyAsJsonObject().getString("registrationId");
    String b = relay.register(secondToken, every(1, SQL)).bodyAsJsonObject().getString("registrationId");
    await("both told of the first answer", () -> relay.notices.size() == 2);

    long runsBefore = relay.agent.registered().runs();
    int turnsBefore = Math.min(starts(a).size(), starts(b).size());
    await("four more turns of each", () -> Math.min(starts(a).size(), starts(b).size()) >= turnsBefore + 4);
    long executions = relay.agent.registered().runs() - runsBefore;
    assertThat(executions).as("one execution a turn for both, not one each").isBetween(3L, 6L);
    List<Long> startsOfB = starts(b);
    assertThat(starts(a)).as("the same turns").allMatch(t -> startsOfB.stream().anyMatch(u -> Math.abs(t - u) < 100)
        || t < startsOfB.get(0) || t > startsOfB.get(startsOfB.size() - 1));

    relay.execute("INSERT INTO dbo.Appointments VALUES (3, 'Ana Lima')");
    await("each told of the change", () -> relay.notices.size() == 4);
    for (RegisteredRelay.Notice notice : relay.notices.subList(2, 4)) {
      String token = notice.integratorId().equals(relay.first.clientId()) ? firstToken : secondToken;
      String otherToken = token.equals(firstToken) ? secondToken : firstToken;
      assertThat(relay.get(token, "/v1/queries/" + notice.resultId() + "/results").bodyAsJsonObject().getJsonArray("rows"))
          .hasSize(3);
      assertThat(relay.get(otherToken, "/v1/queries/" + notice.resultId() + "/results").statusCode())
          .as("each result is its integrator's alone").isEqualTo(404);
    }
    assertThat(relay.notices.subList(2, 4)).extracting(RegisteredRelay.Notice::registrationId)
        .containsExactlyInAnyOrder(a, b);
  }

  /**
   * Registrations made at the same moment by many integrators, with their grants changing meanwhile,
   * all reach the agent and stay there: each change makes the cloud send the agent its whole set,
   * and a set read before a registration was kept must never arrive after one read later (a
   * clean-clone CI run lost the fourth of four registrations made one after another that way).
   */
  @Test
  void registrationsMadeTogetherAllReachTheAgentAndStay() throws Exception {
    int integrators = 12;
    List<String> tokens = new java.util.ArrayList<>();
    List<com.pmsrelay.cloud.store.IntegratorStore.Created> created = new java.util.ArrayList<>();
    for (int i = 0; i < integrators; i++) {
      var integrator = relay.cloud.integrators().create("Integrator " + i, null).await();
      relay.cloud.grants().put(new com.pmsrelay.cloud.store.Grant(relay.practiceId, integrator.clientId(),
          GrantStatus.ENABLED, new JsonArray(), 10_000, 30_000, 30_000, 600, 1)).await();
      created.add(integrator);
      tokens.add(relay.token(integrator));
    }
    List<io.vertx.core.Future<HttpResponse<Buffer>>> answers = new java.util.ArrayList<>();
    for (int i = 0; i < integrators; i++) {
      answers.add(relay.web.post("/v1/practices/" + relay.practiceId + "/registered-queries")
          .putHeader("Authorization", "Bearer " + tokens.get(i)).sendJsonObject(every(60, SQL)));
      // A grant change of another integrator: the change feed has every node send the set too.
      relay.cloud.changes().publish(com.pmsrelay.cloud.store.ChangeStore.GRANT,
          relay.practiceId + "/" + created.get(i).clientId());
    }
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (var answer : answers) {
      HttpResponse<Buffer> response = answer.await();
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
      ids.add(response.bodyAsJsonObject().getString("registrationId"));
    }
    await("every registration at the agent", () -> held().equals(ids));
    Thread.sleep(1_500); // a stale set still on its way would land now
    assertThat(held()).as("no older set replaced the newest").isEqualTo(ids);
  }

  private java.util.Set<String> held() {
    return RegisteredRelay.held(relay.agent);
  }

  /**
   * Changed results the cloud has not fetched are held at the agent within registered.maxHeldBytes
   * together, whatever the integrators register; a change that does not fit is found again later,
   * so nothing is lost once the cloud fetches again.
   */
  @Test
  void changedResultsWaitingForTheCloudHoldAtMostMaxHeldBytes() throws Exception {
    relay.close();
    relay = new RegisteredRelay(dir.resolve("held"), false,
        new JsonObject().put("maxResultBytes", 4096).put("maxHeldBytes", 4096));
    java.util.concurrent.atomic.AtomicBoolean spoil = new java.util.concurrent.atomic.AtomicBoolean(true);
    relay.cloudVertx.eventBus().addOutboundInterceptor(delivery -> {
      if (spoil.get() && delivery.body() instanceof JsonObject body && Registration.OP_FETCH.equals(body.getString("op"))) {
        body.put("hash", "f".repeat(64)); // the cloud never gets the rows: the agent keeps holding them
      }
      delivery.next();
    });
    String token = relay.token(relay.first);
    // two rows of about 1.5 KB: one result fits in 4 KiB, two do not
    String wide = "SELECT AppointmentId, PatientName, SPACE(1500) AS Pad FROM dbo.Appointments ORDER BY AppointmentId";
    String a = relay.register(token, every(1, wide)).bodyAsJsonObject().getString("registrationId");
    String b = relay.register(token, every(1, wide)).bodyAsJsonObject().getString("registrationId");
    await("both to run three times", () -> starts(a).size() >= 3 && starts(b).size() >= 3);
    long held = relay.agent.registered().heldBytes();
    assertThat(held).as("one changed result held, never two").isPositive().isLessThanOrEqualTo(4096);
    assertThat(relay.notices).isEmpty();

    spoil.set(false);
    await("both changes announced once the cloud fetches again", () -> relay.notices.size() == 2);
    assertThat(relay.notices).extracting(RegisteredRelay.Notice::registrationId).containsExactlyInAnyOrder(a, b);
  }

  @Test
  void aDisabledGrantStopsTheRunsAtTheAgentAtOnce() throws Exception {
    String token = relay.token(relay.first);
    String id = relay.register(token, every(1, SQL)).bodyAsJsonObject().getString("registrationId");
    await("the first change", () -> relay.notices.size() == 1);
    relay.setGrant(relay.first, GrantStatus.DISABLED);
    await("the agent to drop it", () -> relay.agent.registered().registrations().isEmpty());
    long runs = relay.agent.registered().runs();
    Thread.sleep(2_500);
    assertThat(relay.agent.registered().runs()).as("runs at the agent after the grant was disabled")
        .isEqualTo(runs);
    assertThat(relay.get(relay.token(relay.second), "/v1/registered-queries").statusCode()).isEqualTo(200);

    relay.setGrant(relay.first, GrantStatus.ENABLED);
    await("the agent to run it again", () -> relay.agent.registered().runs() > runs);
    assertThat(relay.get(token, "/v1/registered-queries/" + id).bodyAsJsonObject().getString("status")).isEqualTo("active");
  }

  @Test
  void anAgentRestartKeepsTheRegistrationAndItsPhase() throws Exception {
    String token = relay.token(relay.first);
    String id = relay.register(token, every(2, SQL)).bodyAsJsonObject().getString("registrationId");
    await("three runs", () -> starts(id).size() >= 3);
    Registration registration = relay.agent.registered().registrations().get(0);
    long phase = registration.phaseMs();
    for (long start : starts(id)) {
      assertThat(Math.floorMod(start - phase, 2_000L)).as("run start within its period").isLessThan(300);
    }
    relay.stopAgent();
    // Restarted where it cannot reach the cloud: the kept file alone gives it the registration.
    com.pmsrelay.agent.AgentNode offline = relay.offlineAgent();
    try {
      assertThat(offline.registered().registrations()).extracting(Registration::registrationId).containsExactly(id);
      assertThat(offline.registered().registrations().get(0).lastHash()).as("the last stored hash is kept too")
          .isEqualTo(registration.lastHash()).isNotNull();
    } finally {
      offline.stop().await();
    }
    relay.startAgent();
    await("two runs after the restart", () -> starts(id).size() >= 2);
    for (long start : starts(id)) {
      assertThat(Math.floorMod(start - phase, 2_000L)).as("same phase after the restart").isLessThan(300);
    }
    assertThat(relay.notices).as("a restart is not a change").hasSize(1);
  }

  @Test
  void deletedAndExpiredRegistrationsStop() throws Exception {
    String token = relay.token(relay.first);
    String id = relay.register(token, every(1, SQL)).bodyAsJsonObject().getString("registrationId");
    await("a run", () -> !starts(id).isEmpty());
    assertThat(relay.delete(token, "/v1/registered-queries/" + id).statusCode()).isEqualTo(204);
    await("the agent to drop it", () -> relay.agent.registered().registrations().isEmpty());
    assertThat(relay.get(token, "/v1/registered-queries/" + id).statusCode()).isEqualTo(404);

    String soon = Instant.now().plusSeconds(3).toString();
    String expiring = relay.register(token, every(1, SQL).put("expiresAt", soon)).bodyAsJsonObject()
        .getString("registrationId");
    await("a run", () -> !starts(expiring).isEmpty());
    await("the agent to drop it at its expiry", () -> relay.agent.registered().registrations().isEmpty());
    assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(Instant.parse(soon).toEpochMilli());
    assertThat(relay.get(token, "/v1/registered-queries/" + expiring).bodyAsJsonObject().getString("status"))
        .isEqualTo("expired");
  }

  @Test
  void theCloudSweepsAnExpiredRegistrationOutOfTheAgentsSetWithoutARead() throws Exception {
    String token = relay.token(relay.first);
    // Hourly: the agent would not reach its next run (and its own expiry check) for a long while.
    long runsBefore = relay.agent.registered().runs();
    long expiresAt = System.currentTimeMillis() + 2_000;
    String id = relay.register(token, every(3600, SQL).put("expiresAt", Instant.ofEpochMilli(expiresAt).toString()))
        .bodyAsJsonObject().getString("registrationId");
    await("the agent to hold it", () -> relay.agent.registered().registrations().stream()
        .anyMatch(r -> r.registrationId().equals(id)));
    assertThat(relay.cloud.registered().store().find(id).await().orElseThrow().expiredAtMs()).isNull();

    await("the agent to drop it after its expiry", () -> relay.agent.registered().registrations().isEmpty());
    assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(expiresAt);
    Long marked = relay.cloud.registered().store().find(id).await().orElseThrow().expiredAtMs();
    assertThat(marked).as("marked expired in the store by the sweep, before anyone read it").isNotNull()
        .isGreaterThanOrEqualTo(expiresAt);
    assertThat(relay.agent.registered().runs()).as("it never ran: the sweep, not a run, stopped it")
        .isEqualTo(runsBefore);
    assertThat(relay.get(token, "/v1/registered-queries/" + id).bodyAsJsonObject().getString("status"))
        .isEqualTo("expired");
    // A sweep after that finds nothing more to do.
    assertThat(relay.cloud.registered().sweep(System.currentTimeMillis()).await()).isZero();
  }

  @Test
  void aRegistrationIsCheckedLikeAQueryBeforeItIsKept() throws Exception {
    String token = relay.token(relay.first);
    assertProblem(relay.register(token, every(1, "DELETE FROM dbo.Appointments")), 400, "sql_rejected");
    assertProblem(relay.register(token, every(1, "SELECT * FROM dbo.Appointments WHERE AppointmentId = ?")), 400,
        "invalid_request");
    assertProblem(relay.register(token, every(0, SQL)), 400, "invalid_request");
    assertProblem(relay.register(token, every(1, SQL).put("mode", "async")), 400, "invalid_request");
    assertProblem(relay.register(token, every(1, SQL).put("expiresAt", Instant.now().plusSeconds(91L * 86_400).toString())),
        400, "invalid_request");
    assertProblem(relay.register(relay.token(relay.second), every(1, SQL)), 403, "scope_denied");
    relay.setGrant(relay.first, GrantStatus.DISABLED);
    Thread.sleep(100);
    assertProblem(relay.register(token, every(1, SQL)), 403, "integration_disabled");
    assertThat(relay.cloud.registered().store().ofPractice(relay.practiceId).await()).as("nothing kept").isEmpty();
  }

  private static void assertProblem(HttpResponse<Buffer> response, int status, String code) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo(code);
    assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
  }
}
