package com.pmsrelay.cloud.http;

import com.pmsrelay.cloud.dispatch.RateLimiter;
import com.pmsrelay.cloud.store.AuditRecord;
import com.pmsrelay.cloud.store.AuditStore;
import com.pmsrelay.cloud.store.ChangeStore;
import com.pmsrelay.cloud.store.PairingStore;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /v1/pairings}: an integrator redeems a one-time code a practice admin gave it; its
 * grant at that practice becomes enabled. Wrong, used, expired and someone else's codes get the
 * same 400; attempts are rate limited so the short codes cannot be guessed.
 */
final class PairingsEndpoint {
  /** Redemption attempts an integrator may make per minute. */
  private static final int ATTEMPTS_PER_MINUTE = 10;

  private final PairingStore pairings;
  private final ChangeStore changes;
  private final AuditStore audit;
  private final RateLimiter rateLimiter;
  private final PracticesEndpoint practices;

  PairingsEndpoint(PairingStore pairings, ChangeStore changes, AuditStore audit,
      RateLimiter rateLimiter, PracticesEndpoint practices) {
    this.pairings = pairings;
    this.changes = changes;
    this.audit = audit;
    this.rateLimiter = rateLimiter;
    this.practices = practices;
  }

  void redeem(RoutingContext ctx) {
    String clientId = BearerAuth.clientId(ctx);
    JsonObject body = Requests.jsonBody(ctx);
    for (String field : body.fieldNames()) {
      if (!field.equals("pairingCode")) {
        throw new RelayException(ErrorCode.INVALID_REQUEST, "unknown field '" + field + "'");
      }
    }
    if (!(body.getValue("pairingCode") instanceof String code) || code.isBlank() || code.length() > 64) {
      throw new RelayException(ErrorCode.INVALID_REQUEST, "'pairingCode' is required");
    }
    int wait = rateLimiter.take(clientId, "pairing", ATTEMPTS_PER_MINUTE);
    if (wait > 0) {
      throw new RelayException(ErrorCode.RATE_LIMITED, "too many pairing attempts", wait);
    }
    pairings.redeem(clientId, code).onComplete(done -> {
      if (done.failed()) {
        ctx.fail(done.cause());
      } else if (done.result().isEmpty()) {
        Problems.send(ctx, ErrorCode.INVALID_PAIRING_CODE, "the pairing code is wrong, used or expired");
      } else {
        String practiceId = done.result().get().practiceId();
        changes.publish(ChangeStore.GRANT, practiceId + "/" + clientId);
        audit.append(AuditRecord.admin(practiceId, clientId, "grant.paired", null,
            new JsonObject().put("clientId", clientId).put("status", "enabled")));
        practices.respondWith(ctx, practiceId);
      }
    });
  }
}
