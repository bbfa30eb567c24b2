package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The console API's activity, top queries, CSV export and alerts: built from the audit log, own practice only. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ConsoleActivityApiTest extends RelayTest {

  /** Logs practice 0's admin in; answers the session cookie. */
  static Future<String> login() {
    JsonObject user = relay.credentials.getJsonArray("consoleUsers").getJsonObject(0);
    return relay.http.post("/console/api/login")
        .sendJsonObject(new JsonObject().put("username", user.getString("username")).put("password", user.getString("password")))
        .map(r -> r.cookies().get(0).split(";")[0]);
  }

  static Future<HttpResponse<Buffer>> get(String cookie, String path) {
    return relay.http.get("/console/api" + path).putHeader("Cookie", cookie).send();
  }

  @Test
  void queriesShowUpAsActivityTopQueriesAndCsv(VertxTestContext ctx) {
    String practice = relay.practiceId(0);
    String clientId = relay.integrator(0).getString("clientId");
    String sql = "SELECT TOP 2 PatientId FROM dbo.Patients";
    relay.token(0)
        .compose(token -> relay.query(token, practice, sql)
            .compose(r -> relay.query(token, practice, sql))
            .compose(r -> relay.query(token, practice, "DELETE FROM dbo.Patients")))
        .compose(r -> login())
        .compose(cookie -> Future.all(List.of(
            get(cookie, "/practices/" + practice + "/activity?period=hour"),
            get(cookie, "/practices/" + practice + "/top-queries?period=day"),
            get(cookie, "/practices/" + practice + "/audit.csv?outcome=refused"),
            get(cookie, "/practices/" + practice + "/alerts"),
            get(cookie, "/practices/" + practice + "/activity?period=year"))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          JsonObject activity = ((HttpResponse<Buffer>) all.resultAt(0)).bodyAsJsonObject();
          assertThat(activity.getJsonArray("time")).hasSize(60);
          JsonObject series = activity.getJsonArray("integrations").stream().map(JsonObject.class::cast)
              .filter(s -> s.getString("clientId").equals(clientId)).findFirst().orElseThrow();
          assertThat(series.getJsonObject("totals").getLong("queries")).isGreaterThanOrEqualTo(3);
          assertThat(series.getJsonObject("totals").getLong("errors")).isGreaterThanOrEqualTo(1);
          assertThat(series.getJsonObject("totals").getLong("rows")).isGreaterThanOrEqualTo(4);
          assertThat(series.getJsonObject("totals").getLong("p95Ms")).isNotNull();

          JsonObject top = ((HttpResponse<Buffer>) all.resultAt(1)).bodyAsJsonObject();
          JsonObject first = top.getJsonArray("queries").stream().map(JsonObject.class::cast)
              .filter(q -> sql.equals(q.getString("sql"))).findFirst().orElseThrow();
          assertThat(first.getLong("count")).isGreaterThanOrEqualTo(2);
          assertThat(first.getLong("rows")).isGreaterThanOrEqualTo(4);

          HttpResponse<Buffer> csv = all.resultAt(2);
          assertThat(csv.getHeader("Content-Type")).startsWith("text/csv");
          assertThat(csv.getHeader("Content-Disposition")).contains("attachment");
          assertThat(csv.bodyAsString()).startsWith("seq,time,kind,actor").contains("sql_rejected")
              .doesNotContain(",succeeded,");

          JsonObject alerts = ((HttpResponse<Buffer>) all.resultAt(3)).bodyAsJsonObject();
          assertThat(alerts.getBoolean("monitor")).as("the demo's monitor is on").isTrue();
          assertThat(alerts.getJsonArray("alerts")).as("ordinary traffic raises no alert").isEmpty();
          assertThat(((HttpResponse<Buffer>) all.resultAt(4)).statusCode()).isEqualTo(400);
          ctx.completeNow();
        })));
  }

  @Test
  void anotherPracticesActivityIsNotFound(VertxTestContext ctx) {
    String other = relay.practiceId(1);
    login().compose(cookie -> Future.all(List.of(
            get(cookie, "/practices/" + other + "/activity"),
            get(cookie, "/practices/" + other + "/top-queries"),
            get(cookie, "/practices/" + other + "/audit.csv"),
            get(cookie, "/practices/" + other + "/alerts"))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int i = 0; i < all.size(); i++) {
            HttpResponse<Buffer> r = all.resultAt(i);
            assertThat(r.statusCode()).as("endpoint " + i + ": " + r.bodyAsString()).isEqualTo(404);
          }
          ctx.completeNow();
        })));
  }

  @Test
  void theConsoleIsServedWithAStrictContentSecurityPolicy(VertxTestContext ctx) {
    Future.all(relay.http.get("/console/").send(), relay.http.get("/console").send(),
            relay.http.get("/console/js/").send(), relay.http.get("/console/lib/uplot/dist/uPlot.esm.js").send(),
            relay.http.get("/console/lib/uplot/dist/").send())
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          HttpResponse<Buffer> page = all.resultAt(0);
          assertThat(page.statusCode()).isEqualTo(200);
          assertThat(page.getHeader("Content-Security-Policy")).contains("script-src 'self'").contains("frame-ancestors 'none'")
              .doesNotContain("unsafe");
          assertThat(page.getHeader("X-Frame-Options")).isEqualTo("DENY");
          assertThat(page.getHeader("Referrer-Policy")).isEqualTo("no-referrer");
          assertThat(page.getHeader("Cache-Control")).isEqualTo("no-cache");
          assertThat(page.bodyAsString()).contains("<script type=\"module\" src=\"js/app.js\"></script>")
              .doesNotContain("<script>").doesNotContain("<style").doesNotContain(" style=");
          HttpResponse<Buffer> bare = all.resultAt(1);
          assertThat(bare.statusCode()).isEqualTo(200); // the client followed the redirect to /console/
          assertThat(((HttpResponse<Buffer>) all.resultAt(2)).statusCode()).as("no directory listing").isEqualTo(404);
          HttpResponse<Buffer> lib = all.resultAt(3);
          assertThat(lib.statusCode()).isEqualTo(200);
          assertThat(lib.bodyAsString()).contains("export { uPlot as default }");
          assertThat(lib.getHeader("Cache-Control")).as("the library's path carries its version").isEqualTo("public, max-age=86400");
          assertThat(((HttpResponse<Buffer>) all.resultAt(4)).statusCode()).as("no folder of the library").isEqualTo(404);
          ctx.completeNow();
        })));
  }
}
