package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.e2e.ConsoleApiTest.Console;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Quarantine through the console API, checked by what integrators then get from the real HTTP API:
 * practice 0 of the demo, where integrator 0 and 2 are enabled and integrator 1 is made disabled
 * first (so "disabled stays disabled" is seen too).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuarantineApiTest extends RelayTest {
  static final String SQL = "SELECT TOP 1 PatientId FROM dbo.Patients";
  /** The catalogue's grants at practice 0 before the first quarantine, by client id. */
  static Map<String, JsonObject> before;

  static String client(int i) {
    return relay.integrator(i).getString("clientId");
  }

  static String practice() {
    return relay.practiceId(0);
  }

  static Future<HttpResponse<Buffer>> quarantine(Console c, String practiceId, JsonObject body) {
    return c.request(HttpMethod.POST, "/practices/" + practiceId + "/quarantine").sendJsonObject(body);
  }

  static Future<HttpResponse<Buffer>> resume(Console c, String practiceId, String clientId) {
    return c.request(HttpMethod.POST, "/practices/" + practiceId + "/quarantine/resume")
        .sendJsonObject(clientId == null ? new JsonObject() : new JsonObject().put("clientId", clientId));
  }

  /** Each integrator's answer to one query at {@code practiceId}: "200" or the problem's code. */
  static Future<List<String>> answers(String practiceId, int... integrators) {
    List<Future<String>> all = new java.util.ArrayList<>();
    for (int i : integrators) {
      all.add(relay.token(i).compose(t -> relay.query(t, practiceId, SQL))
          .map(r -> r.statusCode() == 200 ? "200" : r.statusCode() + " " + r.bodyAsJsonObject().getString("code")));
    }
    return Future.all(all).map(cf -> cf.<String>list());
  }

  static Future<Map<String, JsonObject>> grants(Console c) {
    return c.request(HttpMethod.GET, "/practices/" + practice() + "/integrations").send()
        .map(r -> r.bodyAsJsonObject().getJsonArray("integrations").stream().map(JsonObject.class::cast)
            .collect(Collectors.toMap(i -> i.getString("clientId"), i -> i.getJsonObject("grant"))));
  }

  /** Completes when {@code condition} holds, failing after {@code ms}. */
  static Future<Void> within(long ms, java.util.function.BooleanSupplier condition) {
    io.vertx.core.Promise<Void> promise = io.vertx.core.Promise.promise();
    long started = System.nanoTime();
    relay.vertx().setPeriodic(10, id -> {
      if (condition.getAsBoolean()) {
        relay.vertx().cancelTimer(id);
        promise.tryComplete();
      } else if (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) > ms) {
        relay.vertx().cancelTimer(id);
        promise.tryFail("not within " + ms + " ms");
      }
    });
    return promise.future();
  }

  @Test
  @Order(1)
  void anotherPracticesAdminCannotQuarantineNorResumeThisOne(VertxTestContext ctx) {
    ConsoleApiTest.login(1).compose(other -> Future.all(
            quarantine(other, practice(), new JsonObject().put("reason", "not mine")),
            resume(other, practice(), null),
            other.request(HttpMethod.GET, "/practices/" + practice() + "/quarantine").send()))
        .compose(all -> answers(practice(), 0, 2).map(a -> List.of(all, a)))
        .onComplete(ctx.succeeding(pair -> ctx.verify(() -> {
          io.vertx.core.CompositeFuture all = (io.vertx.core.CompositeFuture) pair.get(0);
          for (int i = 0; i < all.size(); i++) {
            HttpResponse<Buffer> r = all.resultAt(i);
            assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(404);
          }
          assertThat(pair.get(1)).as("practice 0 untouched").isEqualTo(List.of("200", "200"));
          ctx.completeNow();
        })));
  }

  @Test
  @Order(2)
  void quarantiningRefusesEveryIntegrationWith403AtOnceAndOnlyAtThisPractice(VertxTestContext ctx) {
    ConsoleApiTest.login(0).compose(c -> c.request(HttpMethod.PUT, "/practices/" + practice() + "/integrations/" + client(1))
            .sendJsonObject(new JsonObject().put("status", "disabled"))
            .compose(r -> grants(c))
            .compose(grants -> {
              before = grants;
              return Future.all(quarantine(c, practice(), new JsonObject()),
                  quarantine(c, practice(), new JsonObject().put("reason", "   ")),
                  quarantine(c, practice(), new JsonObject().put("reason", "x").put("rotateAgentKey", "yes")),
                  quarantine(c, practice(), new JsonObject().put("reason", "x").put("why", "x")));
            })
            .compose(invalid -> {
              ctx.verify(() -> {
                for (int i = 0; i < invalid.size(); i++) {
                  HttpResponse<Buffer> r = invalid.resultAt(i);
                  assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
                  assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("invalid_request");
                }
              });
              return quarantine(c, practice(), new JsonObject().put("reason", "Ransomware found on the reception PC"));
            })
            .compose(started -> {
              ctx.verify(() -> {
                assertThat(started.statusCode()).as(started.bodyAsString()).isEqualTo(200);
                JsonObject q = started.bodyAsJsonObject();
                assertThat(q.getBoolean("active")).isTrue();
                assertThat(q.getString("reason")).isEqualTo("Ransomware found on the reception PC");
                assertThat(q.getString("by")).isEqualTo("console:" + ConsoleApiTest.user(0).getString("username"));
                assertThat(q.getInteger("paused")).isEqualTo(2);
                assertThat(q.containsKey("agentKey")).isFalse();
              });
              return Future.all(answers(practice(), 0, 1, 2), answers(relay.practiceId(1), 2),
                  quarantine(c, practice(), new JsonObject().put("reason", "twice")),
                  c.request(HttpMethod.GET, "/practices/" + practice() + "/quarantine").send());
            }))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertThat((List<String>) all.resultAt(0)).containsExactly("403 integration_disabled", "403 integration_disabled",
              "403 integration_disabled");
          assertThat((List<String>) all.resultAt(1)).as("the other practice still answers").containsExactly("200");
          HttpResponse<Buffer> twice = all.resultAt(2);
          assertThat(twice.statusCode()).isEqualTo(409);
          assertThat(twice.bodyAsJsonObject().getString("code")).isEqualTo("already_quarantined");
          JsonObject shown = ((HttpResponse<Buffer>) all.resultAt(3)).bodyAsJsonObject();
          assertThat(shown.getBoolean("active")).isTrue();
          assertThat(shown.getString("at")).isNotBlank();
          ctx.completeNow();
        })));
  }

  @Test
  @Order(3)
  void resumingOneGivesThatOneBackOnly(VertxTestContext ctx) {
    ConsoleApiTest.login(0).compose(c -> resume(c, practice(), client(0)))
        .compose(r -> {
          ctx.verify(() -> {
            assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
            assertThat(r.bodyAsJsonObject().getBoolean("active")).isTrue();
            assertThat(r.bodyAsJsonObject().getJsonArray("resumed").getJsonObject(0).getString("outcome")).isEqualTo("restored");
          });
          return answers(practice(), 0, 1, 2);
        })
        .onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
          assertThat(answers).containsExactly("200", "403 integration_disabled", "403 integration_disabled");
          ctx.completeNow();
        })));
  }

  @Test
  @Order(4)
  void resumingAllGivesEveryIntegrationExactlyItsStatusFromBeforeAndIsAudited(VertxTestContext ctx) {
    ConsoleApiTest.login(0).compose(c -> resume(c, practice(), null)
            .compose(r -> {
              ctx.verify(() -> assertThat(r.bodyAsJsonObject().getBoolean("active")).isFalse());
              return Future.all(grants(c), answers(practice(), 0, 1, 2),
                  c.request(HttpMethod.GET, "/practices/" + practice() + "/audit?kind=admin").send(), resume(c, practice(), null));
            }))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertThat((Map<String, JsonObject>) all.resultAt(0)).isEqualTo(before);
          assertThat((List<String>) all.resultAt(1)).containsExactly("200", "403 integration_disabled", "200");
          JsonArray records = ((HttpResponse<Buffer>) all.resultAt(2)).bodyAsJsonObject().getJsonArray("records");
          List<String> actions = records.stream().map(o -> ((JsonObject) o).getString("action")).toList();
          assertThat(actions).containsSubsequence("practice.resume", "practice.resume", "practice.quarantine");
          HttpResponse<Buffer> again = all.resultAt(3);
          assertThat(again.statusCode()).isEqualTo(409);
          assertThat(again.bodyAsJsonObject().getString("code")).isEqualTo("not_quarantined");
          ctx.completeNow();
        })));
  }

  @Test
  @Order(5)
  void withTheKeyRotatedTheAgentIsDroppedAndAnAdminsChangeDuringTheQuarantineIsKept(VertxTestContext ctx) {
    ConsoleApiTest.login(0).compose(c -> quarantine(c, practice(),
                new JsonObject().put("reason", "The agent key was in a leaked backup").put("rotateAgentKey", true))
            .compose(started -> {
              ctx.verify(() -> {
                assertThat(started.bodyAsJsonObject().getString("agentKey")).startsWith("pmsa_");
                assertThat(started.bodyAsJsonObject().getBoolean("agentKeyRotated")).isTrue();
              });
              return within(1_000, () -> !relay.demo.cloud().agents().isConnected(practice()));
            })
            // The demo's agent still holds the old key and keeps trying: it is refused.
            .compose(ms -> relay.vertx().timer(1_500))
            .compose(v -> {
              ctx.verify(() -> assertThat(relay.demo.cloud().agents().isConnected(practice())).as("old key refused").isFalse());
              return c.request(HttpMethod.PUT, "/practices/" + practice() + "/integrations/" + client(2))
                  .sendJsonObject(new JsonObject().put("status", "blocked"));
            })
            .compose(blocked -> c.request(HttpMethod.GET, "/practices/" + practice() + "/quarantine").send())
            .compose(shown -> {
              ctx.verify(() -> {
                JsonObject two = shown.bodyAsJsonObject().getJsonArray("integrations").stream().map(JsonObject.class::cast)
                    .filter(i -> i.getString("clientId").equals(client(2))).findFirst().orElseThrow();
                assertThat(two.getBoolean("changedDuringQuarantine")).isTrue();
                assertThat(two.getString("status")).isEqualTo("blocked");
              });
              return resume(c, practice(), null);
            })
            .compose(resumed -> {
              ctx.verify(() -> {
                Map<String, String> outcomes = resumed.bodyAsJsonObject().getJsonArray("resumed").stream()
                    .map(JsonObject.class::cast).collect(Collectors.toMap(i -> i.getString("clientId"), i -> i.getString("outcome")));
                assertThat(outcomes).containsEntry(client(0), "restored").containsEntry(client(2), "kept");
              });
              return answers(practice(), 0, 1, 2);
            }))
        .onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
          // Integrator 0 is enabled again; the agent is away until the new key is installed.
          assertThat(answers).containsExactly("503 agent_offline", "403 integration_disabled", "403 integration_blocked");
          ctx.completeNow();
        })));
  }
}
