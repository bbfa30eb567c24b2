package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An integrator's immediate query end to end: HTTP, JWT, cloud, TLS bridge, agent, demo PMS. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class IntegratorQueryTest extends RelayTest {

  @Test
  void queryReturnsRowsFromTheFirstPractice(VertxTestContext ctx) {
    relay.token(0)
        .compose(token -> relay.query(token, relay.practiceId(0), new JsonObject()
            .put("sql", "SELECT TOP 3 PatientId, FirstName, Surname, DOB FROM dbo.Patients WHERE PatientId > ? ORDER BY PatientId")
            .put("params", new JsonArray().add(10))))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
          JsonObject body = r.bodyAsJsonObject();
          assertThat(body.getString("status")).isEqualTo("succeeded");
          assertThat(body.getString("queryId")).isNotBlank();
          assertThat(body.getJsonArray("columns").getJsonObject(0).getString("name")).isEqualTo("PatientId");
          assertThat(body.getJsonArray("columns").getJsonObject(0).getString("type")).isEqualTo("INTEGER");
          JsonArray rows = body.getJsonArray("rows");
          assertThat(rows).hasSize(3);
          assertThat(rows.getJsonArray(0).getInteger(0)).isEqualTo(11);
          assertThat(rows.getJsonArray(0).getString(3)).matches("\\d{4}-\\d{2}-\\d{2}");
          assertThat(body.getLong("rowCount")).isEqualTo(3);
          assertThat(body.getBoolean("truncated")).isFalse();
          assertThat(body.getJsonObject("timing").fieldNames()).contains("queuedMs", "executionMs", "totalMs");
          ctx.completeNow();
        })));
  }

  @Test
  void eachPracticeAnswersFromItsOwnDatabase(VertxTestContext ctx) {
    String sql = "SELECT TOP 5 PatientId, Surname, MedicareNo FROM dbo.Patients ORDER BY PatientId";
    relay.token(2)
        .compose(token -> Future.all(relay.query(token, relay.practiceId(0), sql), relay.query(token, relay.practiceId(1), sql)))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          HttpResponse<Buffer> first = all.resultAt(0);
          HttpResponse<Buffer> second = all.resultAt(1);
          assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
          assertThat(second.statusCode()).as(second.bodyAsString()).isEqualTo(200);
          assertThat(first.bodyAsJsonObject().getJsonArray("rows")).hasSize(5);
          // Different seeds, different synthetic patients: the two agents serve different databases.
          assertThat(first.bodyAsJsonObject().getJsonArray("rows")).isNotEqualTo(second.bodyAsJsonObject().getJsonArray("rows"));
          ctx.completeNow();
        })));
  }

  @Test
  void tsqlThatIntegratorsWriteRuns(VertxTestContext ctx) {
    String sql = "WITH upcoming AS (SELECT a.PatientId, a.StartsAt FROM [dbo].[Appointments] a WITH (NOLOCK) "
        + "WHERE a.StartsAt >= DATEADD(day, -30, GETDATE())) "
        + "SELECT TOP (10) p.[PatientId], p.Surname, ISNULL(p.DVANo, '') AS Dva, u.StartsAt "
        + "FROM upcoming u JOIN dbo.Patients p ON p.PatientId = u.PatientId ORDER BY u.StartsAt";
    relay.token(1)
        .compose(token -> relay.query(token, relay.practiceId(1), sql))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
          assertThat(r.bodyAsJsonObject().getJsonArray("rows")).hasSize(10);
          ctx.completeNow();
        })));
  }

  @Test
  void practicesListShowsGrantedPracticesWithOnlineAgents(VertxTestContext ctx) {
    relay.token(2)
        .compose(token -> untilLoadReported(token, 100))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(200);
          JsonArray practices = r.bodyAsJsonObject().getJsonArray("practices");
          assertThat(practices).hasSize(2);
          JsonObject first = practices.getJsonObject(0);
          assertThat(first.getString("name")).isEqualTo("Harbourside Family Practice");
          assertThat(first.getJsonObject("agent").getString("status")).isEqualTo("online");
          // The load the agent reported with its last heartbeat (its first one follows authentication).
          assertThat(first.getJsonObject("agent").getInteger("queueDepth")).isNotNull().isGreaterThanOrEqualTo(0);
          assertThat(first.getJsonObject("agent").getInteger("running")).isNotNull().isGreaterThanOrEqualTo(0);
          assertThat(first.getJsonObject("grant").getString("status")).isEqualTo("enabled");
          assertThat(first.getJsonObject("pms").getString("kind")).isEqualTo("demo");
          ctx.completeNow();
        })));
  }

  /** The practices list once the first practice's agent has reported its load (polled, bounded). */
  private static Future<HttpResponse<Buffer>> untilLoadReported(String token, int attempts) {
    return relay.get(token, "/v1/practices").compose(r -> {
      JsonObject agent = r.bodyAsJsonObject().getJsonArray("practices").getJsonObject(0).getJsonObject("agent");
      return agent.getValue("queueDepth") != null || attempts <= 1 ? Future.succeededFuture(r)
          : relay.vertx().timer(50).compose(v -> untilLoadReported(token, attempts - 1));
    });
  }

  @Test
  void ungrantedAndUnknownPracticesAreIndistinguishable404s(VertxTestContext ctx) {
    relay.token(0)
        .compose(token -> Future.all(
            relay.query(token, relay.practiceId(1), "SELECT 1"),
            relay.query(token, UUID.randomUUID().toString(), "SELECT 1"),
            relay.get(token, "/v1/practices/" + relay.practiceId(1)),
            relay.get(token, "/v1/practices/not-a-uuid")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int i = 0; i < 4; i++) {
            HttpResponse<Buffer> r = all.resultAt(i);
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
            assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("practice_not_found");
          }
          JsonObject ungranted = ((HttpResponse<Buffer>) all.resultAt(0)).bodyAsJsonObject();
          JsonObject unknown = ((HttpResponse<Buffer>) all.resultAt(1)).bodyAsJsonObject();
          ungranted.remove("queryId");
          unknown.remove("queryId");
          assertThat(ungranted).isEqualTo(unknown);
          ctx.completeNow();
        })));
  }

  @Test
  void malformedBodiesAre400s(VertxTestContext ctx) {
    relay.token(0).compose(token -> Future.all(java.util.List.of(
            relay.http.post("/v1/practices/" + relay.practiceId(0) + "/queries")
                .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer("{\"sql\": ")),
            relay.query(token, relay.practiceId(0), new JsonObject().put("sql", "SELECT 1").put("colour", "red")),
            relay.query(token, relay.practiceId(0), new JsonObject().put("sql", 42)),
            relay.query(token, relay.practiceId(0), new JsonObject()),
            relay.query(token, relay.practiceId(0), new JsonObject().put("sql", "SELECT 1").put("params", "x")),
            relay.query(token, relay.practiceId(0), new JsonObject().put("sql", "SELECT 1").put("maxRows", -5)),
            relay.http.post("/v1/practices/" + relay.practiceId(0) + "/queries")
                .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer("[1,2]")))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int i = 0; i < all.size(); i++) {
            HttpResponse<Buffer> r = all.resultAt(i);
            assertThat(r.statusCode()).as("case " + i + ": " + r.bodyAsString()).isEqualTo(400);
            assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("invalid_request");
            assertThat(r.bodyAsString()).doesNotContain("Exception").doesNotContain("at com.");
          }
          ctx.completeNow();
        })));
  }

  @Test
  void oversizedBodyIs413(VertxTestContext ctx) {
    String big = "SELECT 1 -- " + "x".repeat(300 * 1024);
    relay.token(0)
        .compose(token -> relay.query(token, relay.practiceId(0), big))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(413);
          assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("payload_too_large");
          ctx.completeNow();
        })));
  }

  @Test
  void writesAreRefusedBeforeTheDatabase(VertxTestContext ctx) {
    relay.token(0)
        .compose(token -> Future.all(
            relay.query(token, relay.practiceId(0), "DELETE FROM dbo.Patients"),
            relay.query(token, relay.practiceId(0), "SELECT 1; DROP TABLE dbo.Patients"),
            relay.query(token, relay.practiceId(0), "SELECT * INTO #copy FROM dbo.Patients")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int i = 0; i < all.size(); i++) {
            HttpResponse<Buffer> r = all.resultAt(i);
            assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
            assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("sql_rejected");
            assertThat(r.bodyAsJsonObject().getString("queryId")).isNotBlank();
          }
          ctx.completeNow();
        })));
  }

  @Test
  void databaseErrorsAre422WithTheDatabaseMessage(VertxTestContext ctx) {
    relay.token(0)
        .compose(token -> relay.query(token, relay.practiceId(0), "SELECT NoSuchColumn FROM dbo.Patients"))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(422);
          assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("execution_failed");
          assertThat(r.bodyAsJsonObject().getString("detail")).containsIgnoringCase("NoSuchColumn");
          ctx.completeNow();
        })));
  }

  @Test
  void maxRowsTruncates(VertxTestContext ctx) {
    relay.token(0)
        .compose(token -> relay.query(token, relay.practiceId(0),
            new JsonObject().put("sql", "SELECT PatientId FROM dbo.Patients ORDER BY PatientId").put("maxRows", 7)))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.bodyAsJsonObject().getJsonArray("rows")).hasSize(7);
          assertThat(r.bodyAsJsonObject().getBoolean("truncated")).isTrue();
          ctx.completeNow();
        })));
  }

  @Test
  void largeResultsArriveCompleteAcrossManyChunks(VertxTestContext ctx) {
    relay.token(0)
        .compose(token -> Future.all(
            relay.query(token, relay.practiceId(0), "SELECT COUNT(*) FROM dbo.Appointments"),
            relay.query(token, relay.practiceId(0), new JsonObject()
                .put("sql", "SELECT AppointmentId, PatientId, StartsAt, Status FROM dbo.Appointments ORDER BY AppointmentId")
                .put("maxRows", 100_000))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          HttpResponse<Buffer> count = all.resultAt(0);
          HttpResponse<Buffer> rows = all.resultAt(1);
          long expected = count.bodyAsJsonObject().getJsonArray("rows").getJsonArray(0).getLong(0);
          assertThat(expected).as("enough rows to need several chunks").isGreaterThan(1_000);
          JsonObject body = rows.bodyAsJsonObject();
          assertThat(body.getLong("rowCount")).isEqualTo(expected);
          assertThat(body.getJsonArray("rows")).hasSize((int) expected);
          assertThat(body.getBoolean("truncated")).isFalse();
          JsonArray all2 = body.getJsonArray("rows");
          for (int i = 1; i < all2.size(); i++) {
            assertThat(all2.getJsonArray(i).getLong(0)).isGreaterThan(all2.getJsonArray(i - 1).getLong(0));
          }
          ctx.completeNow();
        })));
  }

  @Test
  void slowQueryIsStoppedAtItsTimeout(VertxTestContext ctx) {
    long started = System.nanoTime();
    relay.token(0)
        .compose(token -> relay.query(token, relay.practiceId(0), new JsonObject()
            .put("sql", "SELECT COUNT(*) FROM dbo.Appointments a CROSS JOIN dbo.Appointments b CROSS JOIN dbo.Patients c")
            .put("timeoutMs", 800)))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(504);
          assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("query_timeout");
          assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(6_000);
          ctx.completeNow();
        })));
  }

  @Test
  void everyAttemptIsAuditedWithoutParameterValues(VertxTestContext ctx) {
    String marker = "ParamValue-" + UUID.randomUUID();
    String practice = relay.practiceId(0);
    relay.token(0)
        .compose(token -> Future.all(
            relay.query(token, practice, new JsonObject().put("sql", "SELECT TOP 1 PatientId FROM dbo.Patients WHERE Surname <> ?")
                .put("params", new JsonArray().add(marker))),
            relay.query(token, practice, new JsonObject().put("sql", "DELETE FROM dbo.Patients WHERE Surname = ?")
                .put("params", new JsonArray().add(marker))),
            relay.query(token, UUID.randomUUID().toString(), "SELECT 1")))
        .compose(all -> {
          // The audit write follows the answer: wait for it.
          return Future.<Void>future(p -> relay.vertx().setTimer(300, id -> p.complete()))
              .compose(v -> Future.all(
                  relay.demo.cloud().audit().list(new com.pmsrelay.cloud.store.AuditStore.Query(
                      practice, null, null, relay.integrator(0).getString("clientId"), "query", null, null, 50)),
                  relay.demo.cloud().audit().list(new com.pmsrelay.cloud.store.AuditStore.Query(
                      com.pmsrelay.cloud.store.AuditRecord.NO_PRACTICE, null, null, null, null, null, null, 500)),
                  relay.demo.cloud().audit().verify()))
              .map(audit -> List.<Object>of(all, audit.resultAt(0), audit.resultAt(1), audit.resultAt(2)));
        })
        .onComplete(ctx.succeeding(pair -> ctx.verify(() -> {
          io.vertx.core.CompositeFuture all = (io.vertx.core.CompositeFuture) pair.get(0);
          @SuppressWarnings("unchecked")
          List<com.pmsrelay.cloud.store.AuditRecord> records = (List<com.pmsrelay.cloud.store.AuditRecord>) pair.get(1);
          java.util.Set<String> ids = new java.util.HashSet<>();
          for (int i = 0; i < 2; i++) {
            ids.add(((HttpResponse<Buffer>) all.resultAt(i)).bodyAsJsonObject().getString("queryId"));
          }
          List<com.pmsrelay.cloud.store.AuditRecord> mine = records.stream().filter(r -> ids.contains(r.queryId())).toList();
          assertThat(mine).extracting(com.pmsrelay.cloud.store.AuditRecord::outcome)
              .containsExactlyInAnyOrder("succeeded", "sql_rejected");
          assertThat(mine).allSatisfy(r -> {
            assertThat(r.paramsCount()).isEqualTo(1);
            assertThat(r.sqlHash()).hasSize(64);
            assertThat(r.canonical()).doesNotContain(marker);
          });
          assertThat(mine.stream().filter(r -> r.outcome().equals("succeeded")).findFirst().orElseThrow().rowCount()).isEqualTo(1);
          // The attempt on a practice that does not exist is audited outside any practice's chain.
          String refusedId = ((HttpResponse<Buffer>) all.resultAt(2)).bodyAsJsonObject().getString("queryId");
          @SuppressWarnings("unchecked")
          List<com.pmsrelay.cloud.store.AuditRecord> none = (List<com.pmsrelay.cloud.store.AuditRecord>) pair.get(2);
          assertThat(none).anySatisfy(r -> {
            assertThat(r.queryId()).isEqualTo(refusedId);
            assertThat(r.outcome()).isEqualTo("practice_not_found");
          });
          assertThat(((com.pmsrelay.cloud.store.AuditStore.Verification) pair.get(3)).intact()).isTrue();
          ctx.completeNow();
        })));
  }
}
