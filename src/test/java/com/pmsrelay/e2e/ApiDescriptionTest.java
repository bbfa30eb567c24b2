package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo answers the calls of the API's description that the other end-to-end tests make
 * least: the description itself, health and readiness, a token by HTTP Basic, an unsupported grant
 * type, NDJSON read whole (immediate and kept), a whole async round and an unknown path. Each
 * exchange is recorded like every other and checked against the description by OpenApiContractIT.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ApiDescriptionTest {
  @TempDir static Path dir;
  static RelayFixture relay;
  static String token;

  @BeforeAll
  static void start() throws Exception {
    relay = RelayFixture.start(dir);
    token = relay.token(0).await();
  }

  @AfterAll
  static void stop() {
    relay.close();
  }

  @Test
  void theDescriptionHealthAndReadinessAnswerWithoutAToken() {
    HttpResponse<Buffer> description = relay.http.get("/v1/openapi.json").send().await();
    assertThat(description.statusCode()).isEqualTo(200);
    assertThat(description.bodyAsJsonObject().getString("openapi")).isEqualTo("3.1.0");
    assertThat(relay.http.get("/health").send().await().statusCode()).isEqualTo(200);
    assertThat(relay.http.get("/ready").send().await().statusCode()).isEqualTo(200);
  }

  @Test
  void aTokenByHttpBasicAndAnUnsupportedGrantType() {
    JsonObject i = relay.integrator(1);
    String basic = Base64.getEncoder().encodeToString((i.getString("clientId") + ":" + i.getString("clientSecret"))
        .getBytes(StandardCharsets.UTF_8));
    HttpResponse<Buffer> ok = relay.http.post("/v1/token").putHeader("Authorization", "Basic " + basic)
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")).await();
    assertThat(ok.statusCode()).isEqualTo(200);
    HttpResponse<Buffer> password = relay.http.post("/v1/token")
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "password").add("client_id", i.getString("clientId"))
            .add("client_secret", i.getString("clientSecret"))).await();
    assertThat(password.statusCode()).isEqualTo(400);
    assertThat(password.getHeader("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  void anImmediateQueryReadWholeAsNdjson() {
    HttpResponse<Buffer> r = relay.http.post("/v1/practices/" + relay.practiceId(0) + "/queries")
        .putHeader("Authorization", "Bearer " + token).putHeader("Accept", "application/x-ndjson")
        .sendJsonObject(new JsonObject().put("sql", "SELECT TOP 3 PatientId, FirstName FROM Patients ORDER BY PatientId"))
        .await();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/x-ndjson");
    assertThat(r.bodyAsString().split("\n")).hasSize(5);
  }

  @Test
  void anAsyncQueryItsStatusItsResultsAsAPageAndAsNdjsonAndItsCancellation() throws Exception {
    HttpResponse<Buffer> accepted = relay.query(token, relay.practiceId(0), new JsonObject()
        .put("sql", "SELECT TOP 5 PatientId FROM Patients ORDER BY PatientId").put("mode", "async")).await();
    assertThat(accepted.statusCode()).isEqualTo(202);
    String location = accepted.getHeader("Location");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String status;
    do {
      Thread.sleep(50);
      status = relay.get(token, location).await().bodyAsJsonObject().getString("status");
    } while (!status.equals("succeeded") && System.nanoTime() < deadline);
    assertThat(status).isEqualTo("succeeded");
    HttpResponse<Buffer> page = relay.get(token, location + "/results?offset=1&limit=2").await();
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.bodyAsJsonObject().getInteger("nextOffset")).isEqualTo(3);
    HttpResponse<Buffer> whole = relay.http.get(location + "/results").putHeader("Authorization", "Bearer " + token)
        .putHeader("Accept", "application/x-ndjson").send().await();
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.bodyAsString()).endsWith("{\"end\":true,\"rowCount\":5,\"truncated\":false}\n");
    HttpResponse<Buffer> cancelled = relay.http.delete(location).putHeader("Authorization", "Bearer " + token).send().await();
    assertThat(cancelled.statusCode()).isEqualTo(200);
    assertThat(cancelled.bodyAsJsonObject().getString("status")).as("an ended query keeps its status").isEqualTo("succeeded");
  }

  @Test
  void anUnknownPathIsTheRoutersNotFound() {
    HttpResponse<Buffer> r = relay.get(token, "/v1/reports").await();
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("not_found");
  }
}
