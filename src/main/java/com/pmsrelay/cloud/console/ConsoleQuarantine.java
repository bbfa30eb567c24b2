package com.pmsrelay.cloud.console;

import com.pmsrelay.cloud.store.ConsoleSessionStore;
import com.pmsrelay.cloud.store.QuarantineStore;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * The console's quarantine of its own practice: {@code GET /practices/{id}/quarantine} (the
 * current or last one; {@code {"active": false}} if none), {@code POST /practices/{id}/quarantine}
 * {@code {"reason", "rotateAgentKey"}} (the new agent key, if rotated, is in this answer only) and
 * {@code POST /practices/{id}/quarantine/resume} {@code {"clientId"}} (one) or {@code {}} (all).
 * The rules are {@link QuarantineStore}'s; the console only checks the practice is the session's own.
 */
final class ConsoleQuarantine {
  private final QuarantineStore quarantines;

  ConsoleQuarantine(QuarantineStore quarantines) {
    this.quarantines = quarantines;
  }

  void routes(Router api) {
    api.get("/practices/:practiceId/quarantine").handler(ctx -> ConsoleApi.own(ctx)
        .compose(quarantines::find)
        .map(found -> found.map(q -> q.toJson()).orElse(new JsonObject().put("active", false)))
        .onComplete(ConsoleApi.reply(ctx)));
    api.post("/practices/:practiceId/quarantine").handler(this::quarantine);
    api.post("/practices/:practiceId/quarantine/resume").handler(this::resume);
  }

  private void quarantine(RoutingContext ctx) {
    ConsoleSessionStore.Session s = ConsoleSession.of(ctx);
    JsonObject body = fields(ConsoleRequests.json(ctx), Set.of("reason", "rotateAgentKey"));
    String reason = ConsoleRequests.text(body, "reason", QuarantineStore.MAX_REASON_CHARS).strip();
    if (reason.isEmpty()) {
      throw new RelayException(ErrorCode.INVALID_REQUEST, "'reason' is required");
    }
    Object rotate = body.getValue("rotateAgentKey", false);
    if (!(rotate instanceof Boolean rotateKey)) {
      throw new RelayException(ErrorCode.INVALID_REQUEST, "'rotateAgentKey' must be true or false");
    }
    ConsoleApi.own(ctx)
        .compose(practiceId -> quarantines.quarantine(practiceId, actor(s), reason, rotateKey))
        .map(started -> {
          JsonObject answer = started.quarantine().toJson().put("pairingCodesVoided", started.pairingCodesVoided());
          started.agentKey().ifPresent(key -> answer.put("agentKey", key));
          return answer;
        })
        .onComplete(ConsoleApi.reply(ctx));
  }

  private void resume(RoutingContext ctx) {
    ConsoleSessionStore.Session s = ConsoleSession.of(ctx);
    JsonObject body = fields(ConsoleRequests.json(ctx), Set.of("clientId"));
    String clientId = body.containsKey("clientId") ? ConsoleRequests.text(body, "clientId", 64) : null;
    ConsoleApi.own(ctx)
        .compose(practiceId -> quarantines.resume(practiceId, actor(s), clientId))
        .map(resumed -> {
          JsonObject answer = resumed.quarantine().toJson();
          answer.put("resumed", new io.vertx.core.json.JsonArray(resumed.settled().stream().map(h -> h.toJson()).toList()));
          return answer;
        })
        .onComplete(ConsoleApi.reply(ctx));
  }

  private static JsonObject fields(JsonObject body, Set<String> allowed) {
    for (String field : body.fieldNames()) {
      if (!allowed.contains(field)) {
        throw new RelayException(ErrorCode.INVALID_REQUEST, "unknown field '" + field + "'");
      }
    }
    return body;
  }

  private static String actor(ConsoleSessionStore.Session s) {
    return "console:" + s.username();
  }
}
