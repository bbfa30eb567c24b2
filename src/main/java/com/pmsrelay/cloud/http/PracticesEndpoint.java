package com.pmsrelay.cloud.http;

import com.pmsrelay.cloud.bridge.LiveAgentStatus;
import com.pmsrelay.cloud.store.GrantStore;
import com.pmsrelay.cloud.store.GrantStore.Visible;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /v1/practices} and {@code GET /v1/practices/{id}}: what this integrator was granted. */
final class PracticesEndpoint {
  private final GrantStore grants;
  private final LiveAgentStatus agentStatus;

  PracticesEndpoint(GrantStore grants, LiveAgentStatus agentStatus) {
    this.grants = grants;
    this.agentStatus = agentStatus;
  }

  void list(RoutingContext ctx) {
    grants.visibleTo(BearerAuth.clientId(ctx))
        .compose(visible -> io.vertx.core.Future.all(visible.stream().map(this::json).toList()))
        .onComplete(result -> {
          if (result.failed()) {
            ctx.fail(result.cause());
            return;
          }
          Json.ok(ctx, new JsonObject().put("practices", new JsonArray(result.result().list())));
        });
  }

  void one(RoutingContext ctx) {
    respondWith(ctx, Requests.practiceId(ctx));
  }

  /** Answers with one practice as this integrator sees it, or 404. */
  void respondWith(RoutingContext ctx, String practiceId) {
    grants.visibleTo(BearerAuth.clientId(ctx)).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
        return;
      }
      result.result().stream()
          .filter(v -> v.practice().practiceId().equals(practiceId))
          .findFirst()
          .ifPresentOrElse(v -> json(v).onComplete(one -> {
                if (one.failed()) {
                  ctx.fail(one.cause());
                } else {
                  Json.ok(ctx, one.result());
                }
              }),
              () -> ctx.fail(new RelayException(ErrorCode.PRACTICE_NOT_FOUND, "no such practice")));
    });
  }

  /** One practice as this integrator sees it, its agent's status asked of the node holding its socket. */
  private io.vertx.core.Future<JsonObject> json(Visible v) {
    return agentStatus.json(v.practice()).map(agent -> new JsonObject()
        .put("practiceId", v.practice().practiceId())
        .put("name", v.practice().name())
        .put("pms", new JsonObject().put("kind", v.practice().pmsKind()).put("version", v.practice().pmsVersion()))
        .put("agent", agent)
        .put("grant", v.grant().toJson()));
  }
}
