package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.agent.exec.QueryExecutor;
import com.pmsrelay.agent.pms.demo.DemoPmsDatabase;
import com.pmsrelay.cloud.store.AuditRecord;
import com.pmsrelay.cloud.store.AuditStore;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStatus;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Schema discovery against the demo (a real cloud, real agents over TLS, the demo PMS on H2): the
 * tables and views with their columns, types and keys; a scoped grant sees only its tables, and
 * nothing of the others anywhere in the answer; the grant's state decides as for queries; a second
 * request is answered without the agent (counted at the agent); the catalogue parameter; every
 * request audited as kind "schema"; the grant's rate shared with its queries.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchemaDiscoveryTest extends RelayTest {
  /** Every table and view of the demo PMS, in the answer's order (by name, regardless of case). */
  static final List<String> DEMO_TABLES = List.of("dbo.ActivePatients", "dbo.Appointments", "dbo.AppointmentTypes",
      "dbo.DemoInfo", "dbo.Invoices", "dbo.Patients", "dbo.Practitioners", "dbo.Recalls", "dbo.Sessions");

  static Future<HttpResponse<Buffer>> schema(String token, String practiceId, String query) {
    return relay.get(token, "/v1/practices/" + practiceId + "/schema" + query);
  }

  private static String clientId(int integrator) {
    return relay.integrator(integrator).getString("clientId");
  }

  /** Sets a grant's status, scopes and rate, the demo's limits otherwise. */
  private static Future<Void> grant(int integrator, int practice, GrantStatus status, JsonArray scopes, int ratePerMinute) {
    Grant base = Grant.withDefaults(relay.practiceId(practice), clientId(integrator), status);
    return relay.demo.cloud().grants().put(new Grant(base.practiceId(), base.clientId(), status, scopes, base.maxRows(),
        base.maxTimeoutMs(), base.maxQueueTimeoutMs(), ratePerMinute, base.weight()));
  }

  private static Future<Void> grant(int integrator, int practice, GrantStatus status, JsonArray scopes) {
    return grant(integrator, practice, status, scopes, Grant.withDefaults("p", "c", status).ratePerMinute());
  }

  static JsonObject table(JsonObject schema, String name) {
    return schema.getJsonArray("tables").stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("name").equals(name)).findFirst().orElseThrow(() -> new AssertionError(name));
  }

  static List<String> names(JsonObject schema) {
    return schema.getJsonArray("tables").stream().map(t -> ((JsonObject) t).getString("name")).toList();
  }

  @Test
  @Order(1)
  void theDemoTablesAndViewWithColumnsTypesNullabilityAndKeys(VertxTestContext ctx) {
    relay.token(2).compose(token -> schema(token, relay.practiceId(1), ""))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
          assertThat(r.getHeader("Content-Type")).isEqualTo("application/json");
          JsonObject schema = r.bodyAsJsonObject();
          assertThat(schema.fieldNames()).containsExactlyInAnyOrder("catalogue", "pmsVersion", "tables");
          assertThat(schema.getString("catalogue")).isEqualTo("DemoPMS");
          assertThat(schema.getString("pmsVersion")).isEqualTo(DemoPmsDatabase.pmsVersion());
          assertThat(names(schema)).containsExactlyElementsOf(DEMO_TABLES);

          JsonObject patients = table(schema, "dbo.Patients");
          assertThat(patients.fieldNames()).containsExactlyInAnyOrder("name", "kind", "columns", "primaryKey");
          assertThat(patients.getString("kind")).isEqualTo("table");
          assertThat(patients.getJsonArray("primaryKey")).containsExactly("PatientId");
          JsonArray columns = patients.getJsonArray("columns");
          assertThat(columns).hasSize(21);
          assertThat(columns.getJsonObject(0)).isEqualTo(new JsonObject().put("name", "PatientId").put("type", "int")
              .put("nullable", false));
          assertThat(columns.getJsonObject(1)).isEqualTo(new JsonObject().put("name", "Title").put("type", "varchar(10)")
              .put("nullable", true));
          assertThat(columns.getJsonObject(4)).isEqualTo(new JsonObject().put("name", "DOB").put("type", "date")
              .put("nullable", false));
          assertThat(columns.getJsonObject(5)).isEqualTo(new JsonObject().put("name", "Sex").put("type", "char(1)")
              .put("nullable", false));
          assertThat(columns.getJsonObject(19)).isEqualTo(new JsonObject().put("name", "CreatedAt").put("type", "datetime2")
              .put("nullable", false));

          JsonArray invoice = table(schema, "dbo.Invoices").getJsonArray("columns");
          assertThat(invoice.stream().map(c -> ((JsonObject) c).getString("name") + " " + ((JsonObject) c).getString("type")))
              .containsExactly("InvoiceId int", "PatientId int", "AppointmentId int", "PractitionerId int",
                  "InvoiceDate date", "ItemNumber varchar(10)", "Amount decimal(10,2)", "Paid bit",
                  "PaymentMethod varchar(20)");
          assertThat(table(schema, "dbo.Sessions").getJsonArray("columns").getJsonObject(3).getString("type"))
              .isEqualTo("time");
          assertThat(table(schema, "dbo.DemoInfo").getJsonArray("primaryKey")).isEmpty();
          assertThat(table(schema, "dbo.DemoInfo").getJsonArray("columns").getJsonObject(1).getString("type"))
              .isEqualTo("bigint");

          JsonObject view = table(schema, "dbo.ActivePatients");
          assertThat(view.getString("kind")).isEqualTo("view");
          assertThat(view.getJsonArray("primaryKey")).isEmpty();
          assertThat(view.getJsonArray("columns").stream().map(c -> ((JsonObject) c).getString("name")))
              .containsExactly("PatientId", "Title", "FirstName", "Surname", "DOB", "Sex", "UsualDoctorId");
          ctx.completeNow();
        })));
  }

  @Test
  @Order(2)
  void aScopedGrantSeesOnlyItsTablesAndNothingOfTheOthers(VertxTestContext ctx) {
    String practice = relay.practiceId(0);
    grant(0, 0, GrantStatus.ENABLED, new JsonArray().add("Patients").add("[dbo].[ActivePatients]").add("dbo.NoSuchTable"))
        .compose(v -> relay.token(0))
        .compose(token -> schema(token, practice, "")
            .compose(scoped -> Future.all(Future.succeededFuture(scoped),
                relay.query(token, practice, "SELECT TOP 1 PatientId FROM dbo.ActivePatients"),
                relay.query(token, practice, "SELECT TOP 1 InvoiceId FROM dbo.Invoices"))))
        .compose(first -> grant(0, 0, GrantStatus.ENABLED, new JsonArray().add("dbo.ActivePatients"))
            .compose(v -> relay.token(0)).compose(token -> schema(token, practice, ""))
            .map(viewOnly -> List.<Object>of(first, viewOnly)))
        .compose(both -> grant(0, 0, GrantStatus.ENABLED, new JsonArray()).map(both))
        .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
          io.vertx.core.CompositeFuture first = (io.vertx.core.CompositeFuture) both.get(0);
          HttpResponse<Buffer> scoped = first.resultAt(0);
          assertThat(scoped.statusCode()).as(scoped.bodyAsString()).isEqualTo(200);
          assertThat(names(scoped.bodyAsJsonObject())).containsExactly("dbo.ActivePatients", "dbo.Patients");
          // Nothing of the other tables anywhere: not a name, not a column, not a key.
          for (String other : List.of("Invoice", "Appointment", "Recall", "Practitioner", "Session", "DemoInfo",
              "ItemNumber", "Amount", "NoSuchTable")) {
            assertThat(scoped.bodyAsString()).as(other).doesNotContainIgnoringCase(other);
          }
          // The guard agrees: what is listed can be read, what is not cannot.
          assertThat(((HttpResponse<Buffer>) first.resultAt(1)).statusCode()).isEqualTo(200);
          assertThat(((HttpResponse<Buffer>) first.resultAt(2)).statusCode()).isEqualTo(403);
          HttpResponse<Buffer> viewOnly = (HttpResponse<Buffer>) both.get(1);
          assertThat(names(viewOnly.bodyAsJsonObject())).containsExactly("dbo.ActivePatients");
          assertThat(viewOnly.bodyAsString()).doesNotContain("MedicareNo", "dbo.Patients\"");
          ctx.completeNow();
        })));
  }

  @Test
  @Order(3)
  void theGrantDecidesAsForQueries(VertxTestContext ctx) {
    String other = relay.demo.cloud().practices().create("Never Granted Practice").await().practiceId();
    grant(1, 1, GrantStatus.DISABLED, new JsonArray())
        .compose(v -> relay.token(1))
        .compose(token -> Future.all(List.of(
            schema(token, relay.practiceId(1), ""),
            schema(token, relay.practiceId(0), ""), // pending: as if never granted
            schema(token, other, ""),
            schema(token, UUID.randomUUID().toString(), ""),
            schema(token, "not-a-uuid", ""),
            relay.http.get("/v1/practices/" + relay.practiceId(1) + "/schema").send()))
            .compose(disabled -> grant(1, 1, GrantStatus.BLOCKED, new JsonArray())
                .compose(v -> schema(token, relay.practiceId(1), ""))
                .map(blocked -> List.<Object>of(disabled, blocked))))
        .compose(both -> grant(1, 1, GrantStatus.ENABLED, new JsonArray()).map(both))
        .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
          io.vertx.core.CompositeFuture all = (io.vertx.core.CompositeFuture) both.get(0);
          assertProblem(all.resultAt(0), 403, "integration_disabled");
          for (int i = 1; i <= 4; i++) {
            assertProblem(all.resultAt(i), 404, "practice_not_found");
            assertThat(((HttpResponse<Buffer>) all.resultAt(i)).bodyAsString()).doesNotContain("dbo.");
          }
          assertProblem(all.resultAt(5), 401, "invalid_token");
          assertProblem((HttpResponse<Buffer>) both.get(1), 403, "integration_blocked");
          ctx.completeNow();
        })));
  }

  static void assertProblem(HttpResponse<Buffer> r, int status, String code) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo(code);
  }

  @Test
  @Order(4)
  void aSecondRequestIsAnsweredWithoutTheAgent(VertxTestContext ctx) {
    QueryExecutor agent = relay.demo.agents().get(0).executor();
    String practice = relay.practiceId(0);
    long[] reads = new long[2];
    relay.token(2)
        .compose(token -> schema(token, practice, "").compose(first -> {
          reads[0] = agent.catalogueReads();
          return schema(token, practice, "?catalogue=DemoPMS").map(second -> List.of(first, second));
        }))
        .compose(two -> relay.token(0).compose(token -> schema(token, practice, "")).map(third -> {
          reads[1] = agent.catalogueReads();
          return List.of(two.get(0), two.get(1), third);
        }))
        .onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
          for (HttpResponse<Buffer> r : answers) {
            assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
            assertThat(names(r.bodyAsJsonObject())).containsExactlyElementsOf(DEMO_TABLES);
          }
          assertThat(reads[0]).as("the agent read its catalogue for the first").isPositive();
          assertThat(reads[1]).as("reads at the agent after two more requests, by two integrators").isEqualTo(reads[0]);
          ctx.completeNow();
        })));
  }

  @Test
  @Order(5)
  void theCatalogueParameter(VertxTestContext ctx) {
    String practice = relay.practiceId(0);
    relay.token(0)
        .compose(token -> Future.all(List.of(
            schema(token, practice, "?catalogue=DemoPMS"),
            schema(token, practice, "?catalogue=NoSuchDatabase"),
            schema(token, practice, "?catalog=DemoPMS"),
            schema(token, practice, "?catalogue="),
            schema(token, practice, "?catalogue=DemoPMS&catalogue=DemoPMS"),
            schema(token, practice, "?catalogue=" + "x".repeat(129)))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          HttpResponse<Buffer> named = all.resultAt(0);
          assertThat(named.statusCode()).isEqualTo(200);
          assertThat(named.bodyAsJsonObject().getString("catalogue")).isEqualTo("DemoPMS");
          HttpResponse<Buffer> unknown = all.resultAt(1);
          assertProblem(unknown, 404, "catalogue_not_found");
          assertThat(unknown.bodyAsJsonObject().getString("detail")).contains("NoSuchDatabase");
          for (int i = 2; i <= 5; i++) {
            assertProblem(all.resultAt(i), 400, "invalid_request");
          }
          ctx.completeNow();
        })));
  }

  @Test
  @Order(6)
  void everyRequestIsAuditedAsKindSchema(VertxTestContext ctx) {
    String practice = relay.practiceId(0);
    relay.token(0)
        .compose(token -> schema(token, practice, "").compose(ok -> schema(token, practice, "?catalogue=Nope")))
        .compose(v -> Future.<Void>future(p -> relay.vertx().setTimer(300, id -> p.complete()))) // the audit follows the answer
        .compose(v -> Future.all(relay.demo.cloud().audit().list(new AuditStore.Query(practice, null, null, clientId(0),
            AuditRecord.KIND_SCHEMA, null, null, 100)), relay.demo.cloud().audit().verify()))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          List<AuditRecord> records = all.resultAt(0);
          assertThat(records).extracting(AuditRecord::outcome).contains("succeeded", "catalogue_not_found");
          AuditRecord ok = records.stream().filter(r -> r.outcome().equals("succeeded")).findFirst().orElseThrow();
          assertThat(ok.action()).isEqualTo("schema");
          assertThat(ok.rowCount()).as("tables listed").isEqualTo(DEMO_TABLES.size());
          assertThat(new JsonObject(ok.detail()).getBoolean("cached")).isTrue();
          assertThat(ok.toJson().getString("kind")).isEqualTo("schema");
          assertThat(((AuditStore.Verification) all.resultAt(1)).intact()).isTrue();
          ctx.completeNow();
        })));
  }

  @Test
  @Order(7)
  void theGrantsRateIsSharedWithItsQueries(VertxTestContext ctx) {
    String practice = relay.practiceId(1);
    grant(1, 1, GrantStatus.ENABLED, new JsonArray(), 3)
        .compose(v -> relay.token(1))
        .compose(token -> relay.query(token, practice, "SELECT 1 AS One")
            .compose(q -> schema(token, practice, ""))
            .compose(s -> schema(token, practice, ""))
            .compose(s -> schema(token, practice, "")))
        .compose(fourth -> grant(1, 1, GrantStatus.ENABLED, new JsonArray()).map(fourth))
        .onComplete(ctx.succeeding(fourth -> ctx.verify(() -> {
          assertProblem(fourth, 429, "rate_limited");
          assertThat(fourth.getHeader("Retry-After")).isNotNull();
          ctx.completeNow();
        })));
  }
}
