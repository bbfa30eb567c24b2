package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.cloud.store.IntegratorStore;
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
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every integrator × every practice × every grant state (none, pending, enabled, disabled,
 * blocked; and the integrator blocked everywhere) gets the right answer on every integrator
 * endpoint, and "no grant" is indistinguishable from "no such practice".
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class AuthorizationMatrixTest {
  @TempDir static Path dir;
  static RelayFixture relay;

  /** One integrator per grant state, at each of the two practices. */
  static final List<String> STATES = List.of("none", "pending", "enabled", "disabled", "blocked", "blocked-everywhere");
  static final List<IntegratorStore.Created> integrators = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    relay = RelayFixture.start(dir);
    var cloud = relay.demo.cloud();
    for (String state : STATES) {
      IntegratorStore.Created created = cloud.integrators().create("Matrix " + state, null).await();
      integrators.add(created);
      for (int p = 0; p < 2; p++) {
        String practice = relay.practiceId(p);
        switch (state) {
          case "none" -> { }
          case "blocked-everywhere" -> cloud.grants().put(Grant.withDefaults(practice, created.clientId(), GrantStatus.ENABLED)).await();
          default -> cloud.grants().put(Grant.withDefaults(practice, created.clientId(), GrantStatus.fromWire(state))).await();
        }
      }
    }
  }

  @AfterAll
  static void stop() {
    relay.close();
  }

  private static Future<String> token(int i) {
    IntegratorStore.Created c = integrators.get(i);
    return relay.tokenResponse(c.clientId(), c.clientSecret()).map(r -> r.bodyAsJsonObject().getString("access_token"));
  }

  /** The expected status of (GET practice, POST query) for a grant state, and whether it is listed. */
  private record Expected(int get, int query, String queryCode, boolean listed) {}

  private static Expected expected(String state) {
    return switch (state) {
      case "none", "pending" -> new Expected(404, 404, "practice_not_found", false);
      case "enabled" -> new Expected(200, 200, null, true);
      case "disabled" -> new Expected(200, 403, "integration_disabled", true);
      case "blocked" -> new Expected(200, 403, "integration_blocked", true);
      default -> new Expected(401, 401, "invalid_token", false);
    };
  }

  @Test
  void everyIntegratorPracticeAndGrantStateGetsTheRightAnswer(VertxTestContext ctx) {
    List<Future<String>> tokens = new ArrayList<>();
    for (int i = 0; i < STATES.size(); i++) {
      tokens.add(token(i));
    }
    Future.all(tokens)
        .compose(all -> relay.demo.cloud().integrators().setBlocked(integrators.get(STATES.indexOf("blocked-everywhere")).clientId(), true)
            .map(v -> all))
        .compose(all -> {
          List<Future<List<Object>>> cases = new ArrayList<>();
          for (int i = 0; i < STATES.size(); i++) {
            String token = all.resultAt(i);
            String state = STATES.get(i);
            for (int p = 0; p < 2; p++) {
              String practice = relay.practiceId(p);
              cases.add(Future.all(relay.get(token, "/v1/practices/" + practice),
                      relay.query(token, practice, "SELECT TOP 1 PatientId FROM dbo.Patients"),
                      relay.get(token, "/v1/practices"))
                  .map(r -> List.of(state, practice, r.resultAt(0), r.resultAt(1), r.resultAt(2))));
            }
            cases.add(Future.all(relay.get(token, "/v1/practices/" + UUID.randomUUID()),
                    relay.query(token, UUID.randomUUID().toString(), "SELECT 1 AS One"), relay.get(token, "/v1/practices"))
                .map(r -> List.of(state, "unknown", r.resultAt(0), r.resultAt(1), r.resultAt(2))));
          }
          return Future.all(cases);
        })
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int i = 0; i < all.size(); i++) {
            @SuppressWarnings("unchecked")
            List<Object> c = (List<Object>) all.resultAt(i);
            String state = (String) c.get(0);
            String practice = (String) c.get(1);
            @SuppressWarnings("unchecked") HttpResponse<Buffer> get = (HttpResponse<Buffer>) c.get(2);
            @SuppressWarnings("unchecked") HttpResponse<Buffer> query = (HttpResponse<Buffer>) c.get(3);
            @SuppressWarnings("unchecked") HttpResponse<Buffer> list = (HttpResponse<Buffer>) c.get(4);
            Expected e = practice.equals("unknown") ? expected(state.equals("blocked-everywhere") ? state : "none") : expected(state);
            String label = state + " @ " + practice;
            assertThat(get.statusCode()).as(label + " GET " + get.bodyAsString()).isEqualTo(e.get());
            assertThat(query.statusCode()).as(label + " query " + query.bodyAsString()).isEqualTo(e.query());
            if (e.queryCode() != null) {
              assertThat(query.bodyAsJsonObject().getString("code")).as(label).isEqualTo(e.queryCode());
            }
            if (list.statusCode() == 200) {
              boolean listed = list.bodyAsJsonObject().getJsonArray("practices").stream()
                  .anyMatch(o -> ((JsonObject) o).getString("practiceId").equals(practice));
              assertThat(listed).as(label + " listed").isEqualTo(e.listed());
            } else {
              assertThat(list.statusCode()).as(label + " list").isEqualTo(401);
            }
            if (e.get() == 404) {
              JsonObject body = get.bodyAsJsonObject();
              assertThat(body.getString("detail")).as(label + ": no existence leak").isEqualTo("no such practice");
              JsonObject q = query.bodyAsJsonObject().copy();
              q.remove("queryId");
              assertThat(q).as(label + ": no existence leak").isEqualTo(new JsonObject()
                  .put("type", "https://pms-relay.dev/problems/practice_not_found").put("title", "Practice not found")
                  .put("status", 404).put("detail", "no such practice").put("code", "practice_not_found"));
            }
          }
          ctx.completeNow();
        })));
  }
}
