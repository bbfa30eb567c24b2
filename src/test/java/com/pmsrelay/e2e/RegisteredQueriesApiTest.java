package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The registered-queries API as the OpenAPI description states it, on a relay with the shipped
 * settings (periods of a minute or more; com.pmsrelay.registered's tests lower that to watch runs
 * go by): register, list, read, delete, and the refusals. Its exchanges are recorded for
 * OpenApiContractIT like every end-to-end test's.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegisteredQueriesApiTest extends RelayTest {

  @Test
  void registerListReadAndDeleteAsDescribed() {
    String token = relay.token(0).await();
    String other = relay.token(1).await();
    String practice = relay.practiceId(0);
    HttpResponse<Buffer> created = post(token, practice, new JsonObject()
        .put("sql", "SELECT TOP 5 PatientId, Surname FROM dbo.Patients WHERE Surname LIKE ? ORDER BY PatientId")
        .put("params", new io.vertx.core.json.JsonArray().add("N%")).put("everySeconds", 60));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("registrationId");
    assertThat(created.getHeader("Location")).isEqualTo("/v1/registered-queries/" + id);
    assertThat(created.bodyAsJsonObject().getInteger("paramsCount")).isEqualTo(1);
    assertThat(created.bodyAsJsonObject().containsKey("params")).isFalse();

    assertThat(get(token, "/v1/registered-queries").bodyAsJsonObject().getJsonArray("registeredQueries").stream()
        .map(r -> ((JsonObject) r).getString("registrationId"))).contains(id);
    HttpResponse<Buffer> read = get(token, "/v1/registered-queries/" + id);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.bodyAsJsonObject().getString("status")).isEqualTo("active");
    assertThat(get(other, "/v1/registered-queries/" + id).statusCode()).as("another integrator's").isEqualTo(404);

    assertProblem(post(token, practice, new JsonObject().put("sql", "SELECT 1").put("everySeconds", 59)), 400,
        "invalid_request");
    assertProblem(post(token, practice, new JsonObject().put("sql", "DELETE FROM dbo.Patients").put("everySeconds", 60)),
        400, "sql_rejected");
    assertProblem(get(token, "/v1/registered-queries/00000000-0000-4000-8000-000000000000"), 404,
        "registration_not_found");

    HttpResponse<Buffer> deleted = relay.http.delete("/v1/registered-queries/" + id)
        .putHeader("Authorization", "Bearer " + token).send().await();
    assertThat(deleted.statusCode()).isEqualTo(204);
    assertProblem(get(token, "/v1/registered-queries/" + id), 404, "registration_not_found");
  }

  private static HttpResponse<Buffer> post(String token, String practice, JsonObject body) {
    return relay.http.post("/v1/practices/" + practice + "/registered-queries")
        .putHeader("Authorization", "Bearer " + token).sendJsonObject(body).await();
  }

  private static HttpResponse<Buffer> get(String token, String path) {
    return relay.http.get(path).putHeader("Authorization", "Bearer " + token).send().await();
  }

  private static void assertProblem(HttpResponse<Buffer> r, int status, String code) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo(code);
  }
}
