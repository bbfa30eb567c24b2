package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cloud node told to stop (what SIGTERM does) answers every request: /ready turns 503 first,
 * queries underway finish within the grace period, new ones and those still running after it get
 * 503 {@code shutting_down} with Retry-After. (FaultIT does the same to a cloud process.)
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class GracefulShutdownTest {
  @TempDir Path dir;
  StreamingRelay relay;

  @BeforeEach
  void start() throws Exception {
    relay = StreamingRelay.start(dir);
  }

  @AfterEach
  void stop() {
    relay.close();
  }

  @Test
  void everyRequestGetsAnAnswerWhileTheNodeStops(VertxTestContext ctx) {
    String token = relay.token(relay.first).await();
    String other = relay.token(relay.second).await();
    List<Future<HttpResponse<Buffer>>> before = new ArrayList<>();
    for (int i = 0; i < 8; i++) { // underway when the stop begins: each trickles out 300 rows over about 0.9 s
      before.add(relay.query(token, new JsonObject().put("sql", "SELECT TOP 300 N, Filler FROM dbo.Trickle WHERE N > " + i)));
    }
    Future<HttpResponse<Buffer>> slow = relay.query(other, new JsonObject()
        .put("sql", "SELECT COUNT(*) AS C FROM dbo.Big a CROSS JOIN dbo.Numbers b").put("timeoutMs", 60_000));
    // The stop begins once the agent holds all nine (a fixed delay is too short on a starved machine).
    waitUntil(() -> {
      var load = relay.agent.executor().load();
      return load.queued() + load.running() == 9;
    });
    relay.cloudVertx.timer(1)
        .compose(v -> {
          // Ample for the eight (about 3 s on the agent's slots), far too short for the slow count (two billion rows).
          Future<Void> stopping = relay.cloud.shutdown(12_000);
          Future<HttpResponse<Buffer>> ready = relay.web.get("/ready").send();
          Future<HttpResponse<Buffer>> late = relay.query(token, new JsonObject().put("sql", "SELECT TOP 1 N FROM dbo.Numbers"));
          return Future.join(Future.join(new ArrayList<>(before)), slow, ready, late, stopping)
              .map(all -> List.of(ready.result(), late.result(), slow.result()));
        })
        .onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
          assertThat(answers.get(0).statusCode()).as("/ready while stopping").isEqualTo(503);
          assertProblem(answers.get(1), "shutting_down");
          assertProblem(answers.get(2), "shutting_down"); // still running when the grace period ended
          for (Future<HttpResponse<Buffer>> f : before) {
            assertThat(f.succeeded()).as("every query underway got an answer").isTrue();
            assertThat(f.result().statusCode()).as(f.result().bodyAsString()).isEqualTo(200);
            assertThat(f.result().bodyAsJsonObject().getJsonArray("rows")).hasSize(300);
          }
          ctx.completeNow();
        })));
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("the agent took the nine queries in time").isLessThan(deadline);
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static void assertProblem(HttpResponse<Buffer> r, String code) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(503);
    assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo(code);
    assertThat(r.getHeader("Retry-After")).isNotNull();
  }
}
