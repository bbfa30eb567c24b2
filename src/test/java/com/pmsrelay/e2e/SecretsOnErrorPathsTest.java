package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.logs.TestSecrets;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Secrets and parameter values sent down the paths that log: refused and failing queries, a query
 * with a value in an unknown field, wrong client secrets (not shaped like ours) and wrong console
 * passwords. Each value is recorded ({@link TestSecrets}); {@code LogSecretsIT} then fails if any
 * log line of the run holds one. Here, each request gets the answer it should.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecretsOnErrorPathsTest extends RelayTest {
  private static String marker(String kind) {
    String value = kind.replace(' ', '-') + "-" + UUID.randomUUID();
    TestSecrets.record(kind, value);
    return value;
  }

  @Test
  void parameterValuesOnEveryOutcomeOfAQuery() {
    String token = relay.token(0).await();
    String practice = relay.practiceId(0);
    String[][] cases = {
        {"200", "SELECT TOP 1 PatientId FROM dbo.Patients WHERE Surname = ?"},
        {"422", "SELECT NoSuchColumn FROM dbo.Patients WHERE Surname = ?"},
        {"400", "DELETE FROM dbo.Patients WHERE Surname = ?"},
        {"400", "SELECT TOP 1 PatientId FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = ?"},
    };
    for (String[] c : cases) {
      HttpResponse<Buffer> answer = relay.query(token, practice, new JsonObject().put("sql", c[1])
          .put("params", new JsonArray().add(marker("parameter value")))).await();
      assertThat(answer.statusCode()).as(c[1] + ": " + answer.bodyAsString()).isEqualTo(Integer.parseInt(c[0]));
    }
    HttpResponse<Buffer> unknownField = relay.query(token, practice, new JsonObject().put("sql", "SELECT 1")
        .put("parameters", new JsonArray().add(marker("parameter value")))).await();
    assertThat(unknownField.statusCode()).isEqualTo(400);
    assertThat(unknownField.bodyAsString()).doesNotContain("parameter-value");
  }

  @Test
  void wrongClientSecretsAndConsolePasswords() {
    String clientId = relay.integrator(1).getString("clientId");
    assertThat(relay.tokenResponse(clientId, marker("client secret")).await().statusCode()).isEqualTo(401);
    assertThat(relay.tokenResponse("cli_unknown", marker("client secret")).await().statusCode()).isEqualTo(401);
    String username = relay.credentials.getJsonArray("consoleUsers").getJsonObject(1).getString("username");
    HttpResponse<Buffer> login = relay.http.post("/console/api/login")
        .sendJsonObject(new JsonObject().put("username", username).put("password", marker("console password"))).await();
    assertThat(login.statusCode()).isIn(401, 429);
  }
}
