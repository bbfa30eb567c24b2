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
    for (int i = 0; i < 8; i++) { // underway when the stop begins: each takes a few hundred ms
      before.add(relay.query(token, new JsonObject().put("sql", "SELECT TOP 20000 N, Filler FROM dbo.Big WHERE N > " + i)
          .put("maxRows", 20_000)));
    }
    Future<HttpResponse<Buffer>> slow = relay.query(other, new JsonObject()
        .put("sql", "SELECT COUNT(*) AS C FROM dbo.Big a CROSS JOIN dbo.Numbers b").put("timeoutMs", 60_000));
    relay.cloudVertx.timer(150)
        .compose(v -> {
          Future<Void> stopping = relay.cloud.shutdown(6_000);
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
            assertThat(f.result().bodyAsJsonObject().getJsonArray("rows")).hasSize(20_000);
          }
          ctx.completeNow();
        })));
  }

  private static void assertProblem(HttpResponse<Buffer> r, String code) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(503);
    assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo(code);
    assertThat(r.getHeader("Retry-After")).isNotNull();
  }
}
