package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.admin.AdminCommands;
import com.pmsrelay.agent.AgentNode;
import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.common.config.ConfigLoader;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Control-plane changes made by the operator's commands (another process in production; the same
 * store here) take effect on the running cloud within a second: pairing, blocking, disabling,
 * agent key rotation and signing key rotation.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControlPlaneTest {
  @TempDir static Path dir;
  static RelayFixture relay;
  static Path cloudConfig;

  @BeforeAll
  static void start() throws Exception {
    relay = RelayFixture.start(dir);
    cloudConfig = dir.resolve("operator-cloud.json");
    Files.writeString(cloudConfig, new JsonObject().put("dataDir", dir.resolve("data").resolve("cloud").toString()).encode());
  }

  @AfterAll
  static void stop() {
    relay.close();
  }

  /** Runs an operator command on a plain thread (it blocks, as the CLI process would), returning its output. */
  static Future<String> admin(String... args) {
    return Future.fromCompletionStage(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      List<String> all = new ArrayList<>(List.of("--config", cloudConfig.toString()));
      all.addAll(List.of(args));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int status = AdminCommands.run(all, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
      String text = out.toString(StandardCharsets.UTF_8);
      if (status != 0) {
        throw new IllegalStateException("admin " + String.join(" ", args) + " failed: " + text);
      }
      return text;
    }, runnable -> new Thread(runnable, "operator-command").start()), relay.vertx().getOrCreateContext());
  }

  static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("no " + regex + " in " + text);
    }
    return m.group(1);
  }

  /** Completes when {@code condition} holds, failing after {@code ms}. */
  static Future<Long> within(long ms, BooleanSupplier condition) {
    Promise<Long> promise = Promise.promise();
    long started = System.nanoTime();
    relay.vertx().setPeriodic(10, id -> {
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      if (condition.getAsBoolean()) {
        relay.vertx().cancelTimer(id);
        promise.tryComplete(elapsed);
      } else if (elapsed > ms) {
        relay.vertx().cancelTimer(id);
        promise.tryFail("not within " + ms + " ms");
      }
    });
    return promise.future();
  }

  /** Repeats a request until it answers {@code status}; fails after {@code ms}. */
  static Future<HttpResponse<Buffer>> untilStatus(java.util.function.Supplier<Future<HttpResponse<Buffer>>> request,
      int status, long ms) {
    long started = System.nanoTime();
    Promise<HttpResponse<Buffer>> promise = Promise.promise();
    new Object() {
      void attempt() {
        request.get().onComplete(ar -> {
          if (ar.succeeded() && ar.result().statusCode() == status) {
            promise.complete(ar.result());
          } else if (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) > ms) {
            promise.fail("no " + status + " within " + ms + " ms; last "
                + (ar.succeeded() ? ar.result().statusCode() + " " + ar.result().bodyAsString() : ar.cause()));
          } else {
            relay.vertx().setTimer(20, id -> attempt());
          }
        });
      }
    }.attempt();
    return promise.future();
  }

  static Future<HttpResponse<Buffer>> pair(String token, String code) {
    return relay.http.post("/v1/pairings").putHeader("Authorization", "Bearer " + token)
        .sendJsonObject(new JsonObject().put("pairingCode", code));
  }

  @Test
  @Order(1)
  void aPairingCodeWorksOnceForItsIntegratorOnly(VertxTestContext ctx) {
    String practice = relay.practiceId(0);
    String recalls = relay.integrator(1).getString("clientId"); // pending at practice 0
    Future.all(relay.token(0), relay.token(1), admin("pairing", "create", practice, recalls))
        .compose(all -> {
          String otherToken = all.resultAt(0);
          String token = all.resultAt(1);
          String code = find(all.resultAt(2), "pairing code (\\S+)");
          return relay.get(token, "/v1/practices/" + practice)
              .compose(before -> {
                ctx.verify(() -> assertThat(before.statusCode()).as("pending: not visible").isEqualTo(404));
                return pair(otherToken, code); // someone else's code
              })
              .compose(stolen -> {
                ctx.verify(() -> assertThat(stolen.statusCode()).isEqualTo(400));
                return pair(token, code.toLowerCase().replace("-", " "));
              })
              .compose(paired -> {
                ctx.verify(() -> {
                  assertThat(paired.statusCode()).as(paired.bodyAsString()).isEqualTo(200);
                  assertThat(paired.bodyAsJsonObject().getJsonObject("grant").getString("status")).isEqualTo("enabled");
                });
                return Future.all(pair(token, code), pair(token, "ZZZZ-ZZZZ"),
                    relay.query(token, practice, "SELECT TOP 1 PatientId FROM dbo.Patients"));
              });
        })
        .onComplete(ctx.succeeding(after -> ctx.verify(() -> {
          for (int i = 0; i < 2; i++) {
            HttpResponse<Buffer> r = after.resultAt(i);
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("invalid_pairing_code");
          }
          assertThat(((HttpResponse<Buffer>) after.resultAt(0)).bodyAsString())
              .isEqualTo(((HttpResponse<Buffer>) after.resultAt(1)).bodyAsString());
          assertThat(((HttpResponse<Buffer>) after.resultAt(2)).statusCode()).isEqualTo(200);
          ctx.completeNow();
        })));
  }

  @Test
  @Order(2)
  void anExpiredCodeIsRefused(VertxTestContext ctx) {
    String clientId = relay.integrator(0).getString("clientId");
    relay.demo.cloud().pairings().create(relay.practiceId(1), clientId, "test", 1)
        .compose(code -> relay.token(0).compose(token -> pair(token, code.code())))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(400);
          assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("invalid_pairing_code");
          ctx.completeNow();
        })));
  }

  @Test
  @Order(3)
  void blockingAnIntegratorStopsItsTokensWithinASecond(VertxTestContext ctx) {
    String clientId = relay.integrator(2).getString("clientId");
    relay.token(2)
        .compose(token -> admin("integrator", "block", clientId)
            .compose(out -> {
              long blockedAt = System.nanoTime();
              return untilStatus(() -> relay.get(token, "/v1/practices"), 401, 1_000).map(r -> {
                ctx.verify(() -> assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - blockedAt)).isLessThan(1_000));
                return r;
              });
            })
            .compose(refused -> relay.tokenResponse(clientId, relay.integrator(2).getString("clientSecret")))
            .compose(noToken -> {
              ctx.verify(() -> assertThat(noToken.statusCode()).as("a blocked client gets no token").isEqualTo(401));
              return admin("integrator", "unblock", clientId);
            })
            .compose(out -> untilStatus(() -> relay.get(token, "/v1/practices"), 200, 1_000)))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @Order(4)
  void disablingRefusesTheIntegratorsQueuedQueriesAtThePractice(VertxTestContext ctx) {
    String practice = relay.practiceId(1);
    String clientId = relay.integrator(2).getString("clientId");
    String slow = "SELECT COUNT(*) FROM dbo.Appointments a CROSS JOIN dbo.Appointments b CROSS JOIN dbo.Patients c "
        + "WHERE a.AppointmentId > ?";
    relay.token(2).compose(token -> {
      List<Future<HttpResponse<Buffer>>> queued = new ArrayList<>();
      for (int i = 0; i < 8; i++) { // 3 run (one slot is headroom), 5 wait
        queued.add(relay.query(token, practice, new JsonObject().put("sql", slow).put("params", new JsonArray().add(i))
            .put("timeoutMs", 4_000).put("queueTimeoutMs", 30_000)));
      }
      return within(5_000, () -> relay.demo.agents().get(1).executor().load().queued() >= 5)
          .compose(v -> admin("grant", practice, clientId, "disabled"))
          .compose(out -> Future.join(queued))
          .map(v -> queued);
    }).onComplete(ctx.succeeding(answers -> ctx.verify(() -> {
      long disabled = answers.stream().map(Future::result)
          .filter(r -> r.statusCode() == 403 && r.bodyAsJsonObject().getString("code").equals("integration_disabled"))
          .count();
      assertThat(disabled).as("queued queries refused when the grant was disabled").isGreaterThanOrEqualTo(5);
      ctx.completeNow();
    })));
  }

  @Test
  @Order(5)
  void rotatingTheAgentKeyDropsTheAgentAtOnceAndOnlyTheNewKeyWorks(VertxTestContext ctx) {
    String practice = relay.practiceId(1);
    AgentNode old = relay.demo.agents().get(1);
    admin("practice", "rotate-key", practice)
        .compose(out -> {
          String newKey = find(out, "agent key (pmsa_\\S+)");
          return within(1_000, () -> !relay.demo.cloud().agents().isConnected(practice))
              .compose(ms -> relay.vertx().<Void>timer(1_500).mapEmpty()) // the old agent keeps retrying
              .compose(v -> {
                ctx.verify(() -> assertThat(relay.demo.cloud().agents().isConnected(practice))
                    .as("the old key is refused").isFalse());
                return old.stop();
              })
              .compose(v -> {
                JsonObject json = ConfigLoader.defaults("agent");
                AgentConfig config = old.config();
                json.put("practiceId", practice).put("agentKey", newKey);
                json.getJsonObject("cloud").put("host", "127.0.0.1").put("port", config.cloud().port())
                    .getJsonObject("tls").put("pinnedSha256", config.cloud().pinnedSha256());
                json.getJsonObject("pms").put("kind", "demo").put("catalogues", new JsonArray().add("DemoPMS"))
                    .getJsonObject("demo").put("dir", config.pms().demoDir().toString())
                    .put("seed", config.pms().demoSeed()).put("patients", config.pms().demoPatients());
                return new AgentNode(relay.vertx(), AgentConfig.from(json)).start();
              })
              .compose(fresh -> within(10_000, () -> relay.demo.cloud().agents().isConnected(practice)));
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @Order(6)
  void rotatingTheSigningKeyKeepsOldTokensValidAndPublishesBothKeys(VertxTestContext ctx) {
    relay.token(0)
        .compose(oldToken -> admin("jwt", "rotate").compose(out -> {
          String kid = find(out, "new signing key (\\S+)");
          return untilKeys(2)
              .compose(jwks -> {
                ctx.verify(() -> assertThat(jwks.getJsonArray("keys").getJsonObject(0).getString("kid")).isEqualTo(kid));
                return Future.all(relay.get(oldToken, "/v1/practices"), relay.token(0));
              })
              .map(all -> {
                ctx.verify(() -> {
                  assertThat(((HttpResponse<Buffer>) all.resultAt(0)).statusCode()).as("old token still valid").isEqualTo(200);
                  String fresh = all.resultAt(1);
                  String header = new String(java.util.Base64.getUrlDecoder().decode(fresh.split("\\.")[0]), StandardCharsets.UTF_8);
                  assertThat(new JsonObject(header).getString("kid")).isEqualTo(kid);
                });
                return null;
              });
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  /** The JWKS once it publishes {@code n} keys (the cloud reloads them from the change feed). */
  private static Future<JsonObject> untilKeys(int n) {
    return relay.http.get("/.well-known/jwks.json").send()
        .compose(r -> r.bodyAsJsonObject().getJsonArray("keys").size() >= n ? Future.succeededFuture(r.bodyAsJsonObject())
            : relay.vertx().timer(50).compose(v -> untilKeys(n)));
  }
}
