package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The console's list of registered queries: registered through the integrator API on the demo, seen
 * by the practice's admin grouped by integration with schedule, status and dates, never with the
 * parameter values; another practice's list is not found; a disabled grant shows them paused.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ConsoleRegisteredApiTest extends RelayTest {
  /** A parameter value that must never reach the console. */
  private static final String SECRET_VALUE = "Nguyen-registered-7731";

  private static Future<HttpResponse<Buffer>> register(String token, String practiceId, JsonObject body) {
    com.pmsrelay.logs.TestSecrets.recordParams(body);
    return relay.http.post("/v1/practices/" + practiceId + "/registered-queries")
        .putHeader("Authorization", "Bearer " + token).sendJsonObject(body);
  }

  @Test
  void theAdminSeesItsPracticesRegistrationsPerIntegrationWithoutParameterValues(VertxTestContext ctx) {
    String practice = relay.practiceId(0);
    String other = relay.practiceId(1);
    String booking = relay.integrator(0).getString("clientId"); // enabled at practice 0 only
    String sql = "SELECT TOP 5 AppointmentId, StartsAt FROM dbo.Appointments WHERE PatientId IN "
        + "(SELECT PatientId FROM dbo.Patients WHERE Surname = ?) ORDER BY AppointmentId";
    String expiresAt = Instant.now().plusSeconds(7 * 86_400).toString();
    Future.all(relay.token(0), relay.token(1), ConsoleApiTest.login(0))
        .compose(all -> {
          String bookingToken = all.resultAt(0);
          String recallsToken = all.resultAt(1); // enabled at practice 1
          ConsoleApiTest.Console console = all.resultAt(2);
          return register(bookingToken, practice, new JsonObject().put("sql", sql).put("params", new JsonArray()
                  .add(SECRET_VALUE)).put("everySeconds", 300).put("expiresAt", expiresAt))
              .compose(mine -> register(recallsToken, other, new JsonObject()
                      .put("sql", "SELECT COUNT(*) AS n FROM dbo.Appointments").put("everySeconds", 3600))
                  .map(theirs -> {
                    ctx.verify(() -> {
                      assertThat(mine.statusCode()).as(mine.bodyAsString()).isEqualTo(201);
                      assertThat(theirs.statusCode()).as(theirs.bodyAsString()).isEqualTo(201);
                    });
                    return List.of(mine.bodyAsJsonObject().getString("registrationId"),
                        theirs.bodyAsJsonObject().getString("registrationId"));
                  }))
              .compose(ids -> Future.all(List.of(
                      console.request(HttpMethod.GET, "/practices/" + practice + "/registered-queries").send(),
                      console.request(HttpMethod.GET, "/practices/" + other + "/registered-queries").send(),
                      relay.http.get("/console/api/practices/" + practice + "/registered-queries").send()))
                  .compose(lists -> {
                    ctx.verify(() -> {
                      HttpResponse<Buffer> own = lists.resultAt(0);
                      assertThat(own.statusCode()).as(own.bodyAsString()).isEqualTo(200);
                      assertThat(own.getHeader("Cache-Control")).isEqualTo("no-store");
                      assertThat(own.bodyAsString()).as("parameter values are never shown").doesNotContain(SECRET_VALUE)
                          .as("another practice's registration is not listed").doesNotContain(ids.get(1));
                      JsonObject registration = only(own, booking, ids.get(0));
                      assertThat(registration.getString("sql")).isEqualTo(sql);
                      assertThat(registration.getInteger("paramsCount")).isEqualTo(1);
                      assertThat(registration.containsKey("params")).isFalse();
                      assertThat(registration.getInteger("everySeconds")).isEqualTo(300);
                      assertThat(registration.getString("status")).isEqualTo("active");
                      assertThat(Instant.parse(registration.getString("expiresAt")))
                          .isEqualTo(Instant.parse(expiresAt).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
                      assertThat(Instant.parse(registration.getString("createdAt"))).isBeforeOrEqualTo(Instant.now());
                      assertThat(registration.containsKey("lastRunAt")).isTrue();
                      assertThat(registration.containsKey("lastChangeAt")).isTrue();

                      HttpResponse<Buffer> foreign = lists.resultAt(1);
                      assertThat(foreign.statusCode()).as("another practice's list").isEqualTo(404);
                      assertThat(foreign.getHeader("Content-Type")).startsWith("application/problem+json");
                      HttpResponse<Buffer> anonymous = lists.resultAt(2);
                      assertThat(anonymous.statusCode()).as("no session").isEqualTo(401);
                    });
                    // Disabled here: its registrations are paused (and leave the agent's set).
                    return console.request(HttpMethod.PUT, "/practices/" + practice + "/integrations/" + booking)
                        .sendJsonObject(new JsonObject().put("status", "disabled"));
                  })
                  .compose(disabled -> console.request(HttpMethod.GET, "/practices/" + practice + "/registered-queries")
                      .send())
                  .compose(paused -> {
                    ctx.verify(() -> {
                      JsonObject group = group(paused, booking);
                      assertThat(group.getString("grantStatus")).isEqualTo("disabled");
                      assertThat(only(paused, booking, ids.get(0)).getString("status")).isEqualTo("paused");
                    });
                    return console.request(HttpMethod.PUT, "/practices/" + practice + "/integrations/" + booking)
                        .sendJsonObject(new JsonObject().put("status", "enabled"))
                        .compose(v -> bookingDelete(bookingToken, ids.get(0)))
                        .compose(v -> bookingDelete(recallsToken, ids.get(1)));
                  }));
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  private static Future<HttpResponse<Buffer>> bookingDelete(String token, String id) {
    return relay.http.delete("/v1/registered-queries/" + id).putHeader("Authorization", "Bearer " + token).send();
  }

  private static JsonObject group(HttpResponse<Buffer> list, String clientId) {
    return list.bodyAsJsonObject().getJsonArray("integrations").stream().map(JsonObject.class::cast)
        .filter(g -> g.getString("clientId").equals(clientId)).findFirst().orElseThrow();
  }

  private static JsonObject only(HttpResponse<Buffer> list, String clientId, String registrationId) {
    JsonObject group = group(list, clientId);
    assertThat(group.getString("name")).isEqualTo(relay.integrator(0).getString("name"));
    JsonArray registrations = group.getJsonArray("registeredQueries");
    assertThat(registrations).hasSize(1);
    JsonObject r = registrations.getJsonObject(0);
    assertThat(r.getString("registrationId")).isEqualTo(registrationId);
    return r;
  }
}
