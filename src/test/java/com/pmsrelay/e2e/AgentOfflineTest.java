package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.agent.AgentNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An agent that goes away is reported at once, and one that comes back is used again. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class AgentOfflineTest extends RelayTest {
  private static final String SQL = "SELECT TOP 1 PatientId FROM dbo.Patients";

  @Test
  void stoppedAgentIs503WithinOneSecondAndRestartedAgentServesAgain(VertxTestContext ctx) {
    AgentNode agent = relay.demo.agents().get(0);
    String practiceId = relay.practiceId(0);
    relay.token(0).compose(token -> relay.query(token, practiceId, SQL)
        .compose(before -> {
          ctx.verify(() -> assertThat(before.statusCode()).isEqualTo(200));
          return agent.stop();
        })
        .compose(stopped -> {
          long stoppedAt = System.nanoTime();
          return untilStatus(token, practiceId, 503, stoppedAt, 1_000).map(r -> {
            ctx.verify(() -> {
              assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("agent_offline");
              assertThat(r.getHeader("Retry-After")).isNotNull();
              assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt)).isLessThan(1_000);
            });
            return r;
          });
        })
        .compose(offline -> relay.get(token, "/v1/practices/" + practiceId))
        .compose(practice -> {
          ctx.verify(() -> assertThat(practice.bodyAsJsonObject().getJsonObject("agent").getString("status")).isEqualTo("offline"));
          return new AgentNode(relay.vertx(), agent.config()).start();
        })
        .compose(restarted -> untilStatus(token, practiceId, 200, System.nanoTime(), 15_000)))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.bodyAsJsonObject().getJsonArray("rows")).hasSize(1);
          ctx.completeNow();
        })));
  }

  /** Repeats the query until it answers {@code status}, failing after {@code withinMs}. */
  private static Future<HttpResponse<Buffer>> untilStatus(String token, String practiceId, int status, long since, long withinMs) {
    Promise<HttpResponse<Buffer>> promise = Promise.promise();
    attempt(token, practiceId, status, since, withinMs, promise);
    return promise.future();
  }

  private static void attempt(String token, String practiceId, int status, long since, long withinMs,
      Promise<HttpResponse<Buffer>> promise) {
    relay.query(token, practiceId, SQL).onComplete(ar -> {
      if (ar.succeeded() && ar.result().statusCode() == status) {
        promise.complete(ar.result());
      } else if (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since) > withinMs) {
        promise.fail("no " + status + " within " + withinMs + " ms; last: "
            + (ar.succeeded() ? ar.result().statusCode() + " " + ar.result().bodyAsString() : ar.cause()));
      } else {
        relay.vertx().setTimer(20, id -> attempt(token, practiceId, status, since, withinMs, promise));
      }
    });
  }
}
