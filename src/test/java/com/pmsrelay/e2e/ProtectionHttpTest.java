package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What an integrator sees of the practice server's protection: 429s, 403 scopes, caps. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ProtectionHttpTest extends RelayTest {

  /** Sets a grant (blocking: called on the test thread before the async part). */
  private static void grant(int integrator, int practice, Grant grant) {
    relay.demo.cloud().grants().put(grant).await();
  }

  private static String clientId(int integrator) {
    return relay.integrator(integrator).getString("clientId");
  }

  @Test
  void overRateIs429RateLimitedWithRetryAfter(VertxTestContext ctx) {
    Grant limited = Grant.withDefaults(relay.practiceId(1), clientId(1), GrantStatus.ENABLED);
    grant(1, 1, new Grant(limited.practiceId(), limited.clientId(), GrantStatus.ENABLED, new JsonArray(),
        limited.maxRows(), limited.maxTimeoutMs(), limited.maxQueueTimeoutMs(), 3, 1));
    relay.token(1).compose(token -> {
      List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (int i = 0; i < 4; i++) {
        chain = chain.compose(v -> relay.query(token, relay.practiceId(1), "SELECT 1 AS One").map(r -> {
          answers.add(Future.succeededFuture(r));
          return null;
        }));
      }
      return chain.map(v -> answers);
    }).onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
      for (int i = 0; i < 3; i++) {
        assertThat(answers.get(i).result().statusCode()).isEqualTo(200);
      }
      HttpResponse<Buffer> limitedAnswer = answers.get(3).result();
      assertThat(limitedAnswer.statusCode()).isEqualTo(429);
      assertThat(limitedAnswer.bodyAsJsonObject().getString("code")).isEqualTo("rate_limited");
      assertThat(Integer.parseInt(limitedAnswer.getHeader("Retry-After"))).isBetween(1, 60);
      ctx.completeNow();
    })));
  }

  @Test
  void tablesOutsideTheScopesAre403(VertxTestContext ctx) {
    Grant base = Grant.withDefaults(relay.practiceId(0), clientId(0), GrantStatus.ENABLED);
    grant(0, 0, new Grant(base.practiceId(), base.clientId(), GrantStatus.ENABLED, new JsonArray().add("dbo.Patients"),
        base.maxRows(), base.maxTimeoutMs(), base.maxQueueTimeoutMs(), base.ratePerMinute(), 1));
    relay.token(0).compose(token -> Future.all(
            relay.query(token, relay.practiceId(0), "SELECT TOP 1 PatientId FROM Patients"),
            relay.query(token, relay.practiceId(0), "SELECT TOP 1 AppointmentId FROM dbo.Appointments"),
            relay.query(token, relay.practiceId(0),
                "SELECT p.PatientId FROM dbo.Patients p WHERE EXISTS (SELECT 1 FROM dbo.Invoices i WHERE i.PatientId = p.PatientId)"),
            relay.query(token, relay.practiceId(0),
                "WITH x AS (SELECT PatientId FROM dbo.Recalls) SELECT p.PatientId FROM dbo.Patients p JOIN x ON x.PatientId = p.PatientId")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertThat(((HttpResponse<Buffer>) all.resultAt(0)).statusCode()).isEqualTo(200);
          for (int i = 1; i < 4; i++) {
            HttpResponse<Buffer> r = all.resultAt(i);
            assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(403);
            assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("scope_denied");
          }
          ctx.completeNow();
        })));
  }

  @Test
  void floodBeyondTheQueueIs429QueueFullWithRetryAfter(VertxTestContext ctx) {
    String slow = "SELECT COUNT(*) FROM dbo.Appointments a CROSS JOIN dbo.Appointments b CROSS JOIN dbo.Patients c "
        + "WHERE a.AppointmentId > ?";
    relay.token(2).compose(token -> {
      List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
      for (int i = 0; i < 30; i++) { // cap 4 + 16 queued per integrator; the rest overflow
        answers.add(relay.query(token, relay.practiceId(1), new JsonObject().put("sql", slow)
            .put("params", new JsonArray().add(i)).put("timeoutMs", 500).put("queueTimeoutMs", 20_000)));
      }
      return Future.join(answers).map(v -> answers);
    }).onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
      List<HttpResponse<Buffer>> full = answers.stream().map(Future::result)
          .filter(r -> r.statusCode() == 429).toList();
      assertThat(full).isNotEmpty();
      for (HttpResponse<Buffer> r : full) {
        assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("queue_full");
        assertThat(r.getHeader("Retry-After")).isNotNull();
      }
      assertThat(answers.stream().map(Future::result).filter(r -> r.statusCode() == 504)
          .allMatch(r -> r.bodyAsJsonObject().getString("code").equals("query_timeout"))).isTrue();
      ctx.completeNow();
    })));
  }

  @Test
  void aClientThatGoesAwayCancelsItsQueryAtTheDatabase(VertxTestContext ctx) {
    com.pmsrelay.agent.exec.QueryExecutor executor = relay.demo.agents().get(0).executor();
    String slow = "SELECT COUNT(*) FROM dbo.Appointments a CROSS JOIN dbo.Appointments b CROSS JOIN dbo.Patients c "
        + "WHERE c.PatientId > 17";
    io.vertx.core.http.HttpClient client = relay.vertx().createHttpClient();
    relay.token(2)
        .compose(token -> client.request(new io.vertx.core.http.RequestOptions()
            .setMethod(io.vertx.core.http.HttpMethod.POST)
            .setHost("127.0.0.1").setPort(relay.demo.cloud().httpPort())
            .setURI("/v1/practices/" + relay.practiceId(0) + "/queries")
            .putHeader("Authorization", "Bearer " + token)
            .putHeader("Content-Type", "application/json"))
            .compose(request -> {
              request.end(new JsonObject().put("sql", slow).put("timeoutMs", 60_000).toBuffer());
              // The client leaves only once the statement runs, however slow the machine is to start it.
              return until(() -> executor.load().running() == 1, 10_000, "the statement never started")
                  .compose(v -> request.connection().close());
            }))
        .compose(v -> until(() -> executor.load().running() == 0, 5_000,
            "the statement was still running 5 s after the client left"))
        .onComplete(ar -> client.close())
        .onComplete(ctx.succeedingThenComplete());
  }

  /** Polls a condition every 20 ms; fails with the message after the deadline. */
  private static Future<Void> until(java.util.function.BooleanSupplier condition, long withinMs, String failure) {
    return Future.future(p -> {
      long deadline = System.currentTimeMillis() + withinMs;
      relay.vertx().setPeriodic(20, id -> {
        if (condition.getAsBoolean()) {
          relay.vertx().cancelTimer(id);
          p.complete();
        } else if (System.currentTimeMillis() > deadline) {
          relay.vertx().cancelTimer(id);
          p.fail(failure);
        }
      });
    });
  }
}
