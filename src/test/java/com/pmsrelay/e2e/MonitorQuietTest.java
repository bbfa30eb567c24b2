package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.CloudNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo with the monitor as shipped (only its save interval shortened, to see what it learnt):
 * the end-to-end suites' ordinary traffic, for every integrator at every practice it may read
 * (immediate, NDJSON and async queries, parameters, joins and CTEs, a failed query, a mistyped
 * secret, the console), raises no alert, and the monitor did see it all (it learnt each pair's
 * tables). The noisy-neighbour benchmark's load is checked in {@code BenchHarnessTest}.
 */
@Timeout(120)
class MonitorQuietTest {
  @TempDir Path dir;

  private static final List<JsonObject> ORDINARY = List.of(
      new JsonObject().put("sql", "SELECT TOP 3 PatientId, FirstName, Surname, DOB FROM dbo.Patients WHERE PatientId > ? "
          + "ORDER BY PatientId").put("params", new JsonArray().add(10)),
      new JsonObject().put("sql", "SELECT TOP 5 PatientId, Surname, MedicareNo FROM dbo.Patients ORDER BY PatientId"),
      new JsonObject().put("sql", "WITH upcoming AS (SELECT a.PatientId, a.StartsAt FROM [dbo].[Appointments] a WITH (NOLOCK) "
          + "WHERE a.StartsAt >= DATEADD(day, -30, GETDATE())) SELECT TOP (10) p.[PatientId], p.Surname, "
          + "ISNULL(p.DVANo, '') AS Dva, u.StartsAt FROM dbo.Patients p JOIN upcoming u ON u.PatientId = p.PatientId "
          + "ORDER BY u.StartsAt"),
      new JsonObject().put("sql", "SELECT COUNT(*) FROM dbo.Appointments"),
      new JsonObject().put("sql", "SELECT PatientId FROM dbo.Patients ORDER BY PatientId").put("maxRows", 7),
      new JsonObject().put("sql", "SELECT AppointmentId, PatientId, StartsAt, Status FROM dbo.Appointments "
          + "ORDER BY AppointmentId").put("mode", "async"),
      new JsonObject().put("sql", "SELECT NoSuchColumn FROM dbo.Patients"));

  @Test
  void theDemosOrdinaryTrafficRaisesNoAlert() throws Exception {
    try (RelayFixture relay = RelayFixture.start(dir, new JsonObject()
        .put("monitor", new JsonObject().put("saveIntervalSeconds", 1)))) {
      CloudNode cloud = relay.demo.cloud();
      int[][] pairs = {{0, 0}, {1, 1}, {2, 0}, {2, 1}}; // integrator, practice: every grant of the demo
      for (int round = 0; round < 3; round++) {
        for (int[] pair : pairs) {
          String token = relay.token(pair[0]).await();
          String practice = relay.practiceId(pair[1]);
          for (JsonObject body : ORDINARY) {
            HttpResponse<Buffer> r = relay.query(token, practice, body.copy()).await();
            assertThat(r.statusCode()).as(body.encode()).isIn(200, 202, 422);
          }
          assertThat(relay.http.post("/v1/practices/" + practice + "/queries").putHeader("Authorization", "Bearer " + token)
              .putHeader("Accept", "application/x-ndjson")
              .sendJsonObject(new JsonObject().put("sql", "SELECT TOP 20 PatientId, Surname FROM dbo.Patients")).await()
              .statusCode()).isEqualTo(200);
          assertThat(relay.get(token, "/v1/practices").await().statusCode()).isEqualTo(200);
        }
        // an integrator mistypes its secret once in a while
        assertThat(relay.tokenResponse(relay.integrator(0).getString("clientId"), "typo").await().statusCode())
            .isEqualTo(401);
      }
      Thread.sleep(2_500); // the monitor has seen it all, and saved what it learnt
      assertThat(cloud.alerts().list(null, false, 100).await()).isEmpty();
      for (int[] pair : pairs) {
        String learnt = cloud.baselines().load(relay.practiceId(pair[1]), relay.integrator(pair[0]).getString("clientId"))
            .await().orElseThrow();
        assertThat(new JsonObject(learnt).getJsonArray("t").getList()).contains("dbo.patients", "dbo.appointments");
      }
      assertThat(cloud.monitor().dropped()).isZero();
    }
  }
}
