package com.pmsrelay.cloud.http;

import com.pmsrelay.cloud.bridge.AgentStatus;
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
  private final AgentStatus agentStatus;

  PracticesEndpoint(GrantStore grants, AgentStatus agentStatus) {
    this.grants = grants;
    this.agentStatus = agentStatus;
  }

  void list(RoutingContext ctx) {
    grants.visibleTo(BearerAuth.clientId(ctx)).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
        return;
      }
      JsonArray practices = new JsonArray();
      result.result().forEach(v -> practices.add(json(v)));
      Json.ok(ctx, new JsonObject().put("practices", practices));
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
          .ifPresentOrElse(v -> Json.ok(ctx, json(v)),
              () -> ctx.fail(new RelayException(ErrorCode.PRACTICE_NOT_FOUND, "no such practice")));
    });
  }

  private JsonObject json(Visible v) {
    return new JsonObject()
        .put("practiceId", v.practice().practiceId())
        .put("name", v.practice().name())
        .put("pms", new JsonObject().put("kind", v.practice().pmsKind()).put("version", v.practice().pmsVersion()))
        .put("agent", agentStatus.json(v.practice()))
        .put("grant", v.grant().toJson());
  }
}
