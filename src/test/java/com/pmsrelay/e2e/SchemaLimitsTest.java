package com.pmsrelay.e2e;

import static com.pmsrelay.e2e.SchemaDiscoveryTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A schema larger than the relay lists in one answer ({@code schema.maxBytes}, lowered here below
 * the demo's): 422 schema_too_large rather than a part of it, and a failure is not cached.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class SchemaLimitsTest {
  @TempDir static Path dir;
  static RelayFixture relay;

  @BeforeAll
  static void start() throws Exception {
    relay = RelayFixture.start(dir, new JsonObject().put("schema", new JsonObject().put("maxBytes", 2048)));
  }

  @AfterAll
  static void stop() {
    relay.close();
  }

  @Test
  void aSchemaOverTheLimitIs422AndNotCached(VertxTestContext ctx) {
    var agent = relay.demo.agents().get(0).executor();
    String practice = relay.practiceId(0);
    relay.token(0)
        .compose(token -> relay.get(token, "/v1/practices/" + practice + "/schema")
            // The agent shares an identical read still under way (it goes on after the cloud gave up on it): the
            // second request comes once the agent is idle, so that only a kept failure could spare it a read.
            .compose(first -> idle(agent).compose(v -> relay.get(token, "/v1/practices/" + practice + "/schema"))
                .map(second -> List.of(first, second))))
        .onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
          for (var r : answers) {
            assertProblem(r, 422, "schema_too_large");
            assertThat(r.bodyAsJsonObject().getString("detail")).contains("2048").doesNotContain("dbo.");
          }
          assertThat(agent.catalogueReads()).as("each request read the catalogue: a failure is not kept").isEqualTo(2);
          ctx.completeNow();
        })));
  }

  private static io.vertx.core.Future<Void> idle(com.pmsrelay.agent.exec.QueryExecutor agent) {
    io.vertx.core.Promise<Void> idle = io.vertx.core.Promise.promise();
    relay.vertx().setPeriodic(10, id -> {
      var load = agent.load();
      if (load.running() == 0 && load.queued() == 0) {
        relay.vertx().cancelTimer(id);
        idle.tryComplete();
      }
    });
    return idle.future();
  }
}
