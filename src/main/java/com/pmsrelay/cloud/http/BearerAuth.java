package com.pmsrelay.cloud.http;

import com.pmsrelay.cloud.auth.TokenVerifier;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Lets a request through only with a valid access token of an integrator that still exists and is
 * not blocked everywhere; puts its client id in the context under {@link #CLIENT_ID}.
 */
final class BearerAuth implements Handler<RoutingContext> {
  static final String CLIENT_ID = "clientId";

  private final TokenVerifier tokens;
  private final IntegratorStore integrators;

  BearerAuth(TokenVerifier tokens, IntegratorStore integrators) {
    this.tokens = tokens;
    this.integrators = integrators;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      Problems.send(ctx, ErrorCode.INVALID_TOKEN, "a bearer access token is required");
      return;
    }
    tokens.verify(header.substring(7).trim())
        .compose(clientId -> integrators.find(clientId).compose(found -> found.isPresent() && !found.get().blocked()
            ? Future.succeededFuture(clientId)
            : Future.failedFuture(new RelayException(ErrorCode.INVALID_TOKEN, "the token's client is no longer allowed"))))
        .onSuccess(clientId -> {
          ctx.put(CLIENT_ID, clientId);
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  static String clientId(RoutingContext ctx) {
    return ctx.get(CLIENT_ID);
  }
}
