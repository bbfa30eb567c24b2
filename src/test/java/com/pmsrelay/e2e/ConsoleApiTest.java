package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The practice admins' console API: sessions, CSRF, grants, pairing, keys, audit, isolation. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ConsoleApiTest extends RelayTest {

  /** A logged-in console: its cookie and CSRF token. */
  record Console(String cookie, String csrf, String practiceId) {
    HttpRequest<Buffer> request(HttpMethod method, String path) {
      return relay.http.request(method, "/console/api" + path).putHeader("Cookie", cookie).putHeader("X-CSRF-Token", csrf);
    }
  }

  static JsonObject user(int i) {
    return relay.credentials.getJsonArray("consoleUsers").getJsonObject(i);
  }

  static Future<HttpResponse<Buffer>> loginResponse(String username, String password) {
    return relay.http.post("/console/api/login")
        .sendJsonObject(new JsonObject().put("username", username).put("password", password));
  }

  static Future<Console> login(int i) {
    return loginResponse(user(i).getString("username"), user(i).getString("password")).map(r -> {
      if (r.statusCode() != 200) {
        throw new IllegalStateException(r.bodyAsString());
      }
      String cookie = r.cookies().get(0).split(";")[0];
      return new Console(cookie, r.bodyAsJsonObject().getString("csrfToken"), r.bodyAsJsonObject().getString("practiceId"));
    });
  }

  @Test
  void loginSetsAStrictHttpOnlySecureCookie(VertxTestContext ctx) {
    Future.all(loginResponse(user(0).getString("username"), user(0).getString("password")),
            loginResponse(user(0).getString("username"), "wrong"), loginResponse("nobody", "wrong"),
            relay.http.get("/console/api/session").send())
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          HttpResponse<Buffer> ok = all.resultAt(0);
          assertThat(ok.statusCode()).isEqualTo(200);
          String cookie = ok.cookies().get(0);
          assertThat(cookie).containsIgnoringCase("HttpOnly").contains("Secure").contains("SameSite=Strict").contains("Path=/console");
          assertThat(ok.bodyAsJsonObject().getString("practiceId")).isEqualTo(relay.practiceId(0));
          HttpResponse<Buffer> wrong = all.resultAt(1);
          HttpResponse<Buffer> unknown = all.resultAt(2);
          assertThat(wrong.statusCode()).isEqualTo(401);
          assertThat(wrong.bodyAsString()).isEqualTo(unknown.bodyAsString());
          assertThat(((HttpResponse<Buffer>) all.resultAt(3)).statusCode()).isEqualTo(401);
          ctx.completeNow();
        })));
  }

  @Test
  void changesNeedTheCsrfToken(VertxTestContext ctx) {
    String clientId = relay.integrator(0).getString("clientId");
    login(0).compose(c -> relay.http.put("/console/api/practices/" + c.practiceId() + "/integrations/" + clientId)
            .putHeader("Cookie", c.cookie())
            .sendJsonObject(new JsonObject().put("status", "disabled")))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(403);
          assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("csrf_failed");
          ctx.completeNow();
        })));
  }

  @Test
  void disablingAnIntegrationRefusesItsNextQueryAndEnablingRestoresIt(VertxTestContext ctx) {
    String clientId = relay.integrator(0).getString("clientId");
    String practice = relay.practiceId(0);
    Future.all(login(0), relay.token(0)).compose(all -> {
      Console c = all.resultAt(0);
      String token = all.resultAt(1);
      return c.request(HttpMethod.PUT, "/practices/" + practice + "/integrations/" + clientId)
          .sendJsonObject(new JsonObject().put("status", "disabled"))
          .compose(r -> {
            ctx.verify(() -> assertThat(r.bodyAsJsonObject().getString("status")).isEqualTo("disabled"));
            return relay.query(token, practice, "SELECT 1 AS One");
          })
          .compose(refused -> {
            ctx.verify(() -> {
              assertThat(refused.statusCode()).isEqualTo(403);
              assertThat(refused.bodyAsJsonObject().getString("code")).isEqualTo("integration_disabled");
            });
            return c.request(HttpMethod.PUT, "/practices/" + practice + "/integrations/" + clientId)
                .sendJsonObject(new JsonObject().put("status", "enabled"));
          })
          .compose(r -> relay.query(token, practice, "SELECT 1 AS One"))
          .compose(ok -> {
            ctx.verify(() -> assertThat(ok.statusCode()).isEqualTo(200));
            return c.request(HttpMethod.GET, "/practices/" + practice + "/audit?kind=admin").send();
          });
    }).onComplete(ctx.succeeding(audit -> ctx.verify(() -> {
      List<String> actions = audit.bodyAsJsonObject().getJsonArray("records").stream()
          .map(o -> ((JsonObject) o).getString("action")).toList();
      assertThat(actions).contains("grant.disabled", "grant.enabled");
      JsonObject disabled = audit.bodyAsJsonObject().getJsonArray("records").stream().map(o -> (JsonObject) o)
          .filter(r -> r.getString("action").equals("grant.disabled")).findFirst().orElseThrow();
      assertThat(disabled.getString("actor")).isEqualTo("console:" + user(0).getString("username"));
      assertThat(disabled.getJsonObject("detail").getJsonObject("before").getString("status")).isEqualTo("enabled");
      assertThat(disabled.getJsonObject("detail").getJsonObject("after").getString("status")).isEqualTo("disabled");
      ctx.completeNow();
    })));
  }

  @Test
  void aConsolePairingCodeIsRedeemedThroughTheApi(VertxTestContext ctx) {
    String recalls = relay.integrator(1).getString("clientId"); // pending at practice 0
    Future.all(login(0), relay.token(1)).compose(all -> {
      Console c = all.resultAt(0);
      String token = all.resultAt(1);
      return c.request(HttpMethod.POST, "/practices/" + c.practiceId() + "/integrations/" + recalls + "/pairing-codes").send()
          .compose(code -> relay.http.post("/v1/pairings").putHeader("Authorization", "Bearer " + token)
              .sendJsonObject(new JsonObject().put("pairingCode", code.bodyAsJsonObject().getString("pairingCode"))));
    }).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      assertThat(r.bodyAsJsonObject().getJsonObject("grant").getString("status")).isEqualTo("enabled");
      ctx.completeNow();
    })));
  }

  @Test
  void anotherPracticesIdsAreNotFoundOnEveryEndpoint(VertxTestContext ctx) {
    String other = relay.practiceId(1);
    String clientId = relay.integrator(1).getString("clientId");
    login(0).compose(c -> Future.all(List.of(
            c.request(HttpMethod.GET, "/practices/" + other).send(),
            c.request(HttpMethod.GET, "/practices/" + other + "/integrations").send(),
            c.request(HttpMethod.PUT, "/practices/" + other + "/integrations/" + clientId)
                .sendJsonObject(new JsonObject().put("status", "blocked")),
            c.request(HttpMethod.POST, "/practices/" + other + "/integrations/" + clientId + "/pairing-codes").send(),
            c.request(HttpMethod.POST, "/practices/" + other + "/agent-key").send(),
            c.request(HttpMethod.GET, "/practices/" + other + "/audit").send())))
        .compose(all -> relay.demo.cloud().grants().find(other, clientId).map(g -> List.<Object>of(all, g.orElseThrow())))
        .onComplete(ctx.succeeding(pair -> ctx.verify(() -> {
          io.vertx.core.CompositeFuture all = (io.vertx.core.CompositeFuture) pair.get(0);
          for (int i = 0; i < all.size(); i++) {
            HttpResponse<Buffer> r = all.resultAt(i);
            assertThat(r.statusCode()).as("endpoint " + i + ": " + r.bodyAsString()).isEqualTo(404);
          }
          com.pmsrelay.cloud.store.Grant grant = (com.pmsrelay.cloud.store.Grant) pair.get(1);
          assertThat(grant.status().wire()).as("the other practice's grant is untouched").isEqualTo("enabled");
          ctx.completeNow();
        })));
  }

  @Test
  void rotatingTheAgentKeyShowsTheNewKeyOnceAndDropsTheAgent(VertxTestContext ctx) {
    login(1).compose(c -> c.request(HttpMethod.POST, "/practices/" + c.practiceId() + "/agent-key").send())
        .compose(r -> {
          ctx.verify(() -> assertThat(r.bodyAsJsonObject().getString("agentKey")).startsWith("pmsa_"));
          long started = System.nanoTime();
          return io.vertx.core.Future.<Void>future(p -> relay.vertx().setPeriodic(10, id -> {
            if (!relay.demo.cloud().agents().isConnected(relay.practiceId(1))) {
              relay.vertx().cancelTimer(id);
              p.tryComplete();
            } else if (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) > 1_000) {
              relay.vertx().cancelTimer(id);
              p.tryFail("the agent was still connected a second after its key was rotated");
            }
          }));
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  // Failed logins: ConsoleLoginThrottleTest (a delay per address and per account, no lock-out).

  @Test
  void logoutEndsTheSession(VertxTestContext ctx) {
    login(0).compose(c -> c.request(HttpMethod.POST, "/logout").send()
            .compose(r -> c.request(HttpMethod.GET, "/session").send()))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(401);
          ctx.completeNow();
        })));
  }
}
